import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { AVAILABILITIES } from '../../../shared/constants.js';
import type { Availability } from '../../../shared/schemas/presence.js';
import { appStore, useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { isImeKey } from '../composer/keys';
import { setPresence } from '../net/socket';
import { PresenceDot } from './PresenceDot';
import { presenceLabel } from './labels';
import { endTelework, keepResuming, refreshTeleworkStatus, startTelework } from './telework';

/** My own presence: telework start/end with the licences in use, availability and status text. */
export function MyPresence() {
  const { t, lang } = useI18n();
  const me = useApp((s) => s.me);
  const presence = useApp((s) => (s.me ? s.presence[s.me.id] : undefined));
  const telework = useApp((s) => s.telework);
  const adopted = useApp((s) => s.mySession !== null);
  const [open, setOpen] = useState(false);
  const [statusText, setStatusText] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
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
    setStatusText(presence?.statusText ?? '');
    setMessage(null);
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
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps -- reset the form when it opens

  if (!me) return null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof ApiError ? t(`err.${error.code}`) : t('err.internal') });
    } finally {
      setBusy(false);
    }
  }

  async function apply(payload: { availability?: Availability; statusText?: string }) {
    const ack = await setPresence(payload);
    if (ack.ok) {
      appStore.set((s) => ({ ...s, presence: { ...s.presence, [me!.id]: ack.presence } }));
      setMessage({ kind: 'ok', text: t('me.saved') });
    } else {
      setMessage({ kind: 'error', text: t(`err.${ack.error.code}`) });
    }
  }

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
        <div ref={panel} id={`${id}-panel`} className="popover" role="region" aria-label={t('me.menu')} data-testid="my-presence-panel">
          <h2 className="popover__title">{t('me.heading')}</h2>
          <p data-testid="my-telework-state">
            {teleworking && presence?.teleworkSince
              ? t('me.teleworkingSince', { time: formatTime(presence.teleworkSince, lang) })
              : presenceLabel(t, presence)}
          </p>
          <div className="popover__row">
            {teleworking ? (
              <button type="button" className="button" disabled={busy} onClick={() => void run(endTelework)} data-testid="telework-end">
                {t('me.endTelework')}
              </button>
            ) : (
              <button type="button" className="button button--primary" disabled={busy} onClick={() => void run(startTelework)} data-testid="telework-start">
                {t('me.startTelework')}
              </button>
            )}
            {telework && (
              <span className="muted small" data-testid="licence-usage">
                {t('me.licences', { active: telework.active, capacity: telework.capacity })}
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-avail`}>{t('me.availability')}</label>
            <select
              id={`${id}-avail`}
              className="select"
              value={presence?.availability ?? 'available'}
              onChange={(e) => void run(() => apply({ availability: e.target.value as Availability }))}
              data-testid="availability-select"
            >
              {AVAILABILITIES.map((a) => (
                <option key={a} value={a}>
                  {t(`avail.${a}`)}
                </option>
              ))}
            </select>
          </div>
          <form
            className="field"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void run(() => apply({ statusText: statusText.trim() }));
            }}
          >
            <label htmlFor={`${id}-status`}>{t('me.statusText')}</label>
            <div className="inline">
              <input
                id={`${id}-status`}
                className="input"
                maxLength={100}
                value={statusText}
                placeholder={t('me.statusPlaceholder')}
                onChange={(e) => setStatusText(e.target.value)}
                data-testid="status-text"
              />
              <button type="submit" className="button" disabled={busy} data-testid="status-save">
                {t('me.save')}
              </button>
            </div>
          </form>
          {message && (
            <p className={message.kind === 'error' ? 'error' : 'ok'} role={message.kind === 'error' ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
