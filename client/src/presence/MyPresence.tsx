import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { isImeKey } from '../composer/keys';
import { PresenceDot } from './PresenceDot';
import { presenceLabel } from './labels';
import { keepResuming, refreshTeleworkStatus } from './telework';

// The panel (telework, availability, status text) loads the first time it is opened: the first
// screen only shows the button (the first-load budget).
const MyPresencePanel = lazy(() => import('./MyPresencePanel').then((m) => ({ default: m.MyPresencePanel })));

/** My own presence: telework start/end with the licences in use, availability and status text. */
export function MyPresence() {
  const { t } = useI18n();
  const me = useApp((s) => s.me);
  const presence = useApp((s) => (s.me ? s.presence[s.me.id] : undefined));
  const adopted = useApp((s) => s.mySession !== null);
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();

  // Whenever I am teleworking and this tab keeps no session alive (after a reload, or a session
  // started in another tab, which may close): pick it up and send its heartbeats from here too.
  const teleworking = presence?.state === 'teleworking';
  useEffect(() => {
    if (teleworking && !adopted) return keepResuming();
  }, [teleworking, adopted]);
  useEffect(() => {
    if (!open) return;
    // The form starts afresh on each opening: the panel is mounted anew (see MyPresencePanel).
    void refreshTeleworkStatus().catch(() => {});
    const timer = setInterval(() => void refreshTeleworkStatus().catch(() => {}), 30_000);
    const onKey = (e: KeyboardEvent) => {
      // Escape while an IME is converting cancels the conversion, not the panel.
      if (isImeKey(e)) return;
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      clearInterval(timer);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  if (!me) return null;

  return (
    <div className="my-presence">
      <button
        ref={button}
        type="button"
        className="button button--quiet my-presence__button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        // A narrow window shortens the label; the full text stays at hand.
        title={presenceLabel(t, presence)}
        onClick={() => setOpen((o) => !o)}
        data-testid="my-presence-button"
      >
        <PresenceDot presence={presence} testId="my-presence-dot" decorative />
        <span data-testid="my-presence-label">{presenceLabel(t, presence)}</span>
      </button>
      {open && (
        <Suspense fallback={null}>
          <MyPresencePanel id={id} panelRef={panel} presence={presence} />
        </Suspense>
      )}
    </div>
  );
}
