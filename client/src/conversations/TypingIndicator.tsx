import { useEffect, useState } from 'react';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';

/** "山田さんが入力中…": who is typing now; an indicator lapses by itself if the stop is lost. */
export function TypingIndicator({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const typers = useApp((s) => s.typing[conversationId]);
  const users = useApp((s) => s.users);
  const [now, setNow] = useState(() => Date.now());
  const active = Object.entries(typers ?? {}).filter(([, until]) => until > now);

  useEffect(() => {
    if (!typers || Object.keys(typers).length === 0) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [typers]);

  let text = '';
  if (active.length === 1) text = t('conv.typingOne', { name: users[active[0]![0]]?.name ?? t('conv.unknownUser') });
  else if (active.length > 1) text = t('conv.typingMany', { n: active.length });
  return (
    <div className="typing" aria-live="polite" data-testid="typing-indicator">
      {text}
    </div>
  );
}
