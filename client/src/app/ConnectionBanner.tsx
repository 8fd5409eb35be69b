import { useEffect, useRef, useState } from 'react';
import { useApp } from './state';
import { useI18n } from '../i18n/i18n';
import { useServerTrouble } from '../net/server-trouble';

/** Says so while the real-time connection is down, and briefly when it is back. */
export function ConnectionBanner() {
  const { t } = useI18n();
  const connection = useApp((s) => s.connection);
  const everConnected = useApp((s) => s.everConnected);
  // The server answers but cannot serve now (503 / handshake `unavailable`): still signed in.
  const trouble = useServerTrouble();
  const [showBack, setShowBack] = useState(false);
  const [slowStart, setSlowStart] = useState(false);
  const wasDown = useRef(false);

  // The first connection is normally quick; say something only if it is not.
  useEffect(() => {
    if (connection !== 'connecting' || everConnected) return setSlowStart(false);
    const timer = setTimeout(() => setSlowStart(true), 3000);
    return () => clearTimeout(timer);
  }, [connection, everConnected]);

  useEffect(() => {
    if (connection === 'disconnected') wasDown.current = true;
    if (connection === 'connected' && wasDown.current) {
      wasDown.current = false;
      setShowBack(true);
      const timer = setTimeout(() => setShowBack(false), 3000);
      return () => clearTimeout(timer);
    }
  }, [connection]);

  const down = trouble || connection === 'disconnected' || (connection === 'connecting' && everConnected);
  let text = '';
  if (trouble) text = t('conn.serverTrouble');
  else if (down) text = t('conn.disconnected');
  else if (slowStart) text = t('conn.connecting');
  else if (showBack) text = t('conn.reconnected');
  return (
    <div
      className={`conn-banner${down ? ' conn-banner--down' : ''}${text ? '' : ' conn-banner--hidden'}`}
      role="status"
      aria-live="assertive"
      data-testid="connection-banner"
      data-state={trouble ? 'trouble' : down ? 'down' : showBack ? 'back' : 'up'}
      data-connection={connection}
    >
      {text}
    </div>
  );
}
