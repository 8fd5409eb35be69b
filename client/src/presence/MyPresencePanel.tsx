import { useState, type FormEvent, type RefObject } from 'react';
import { AVAILABILITIES } from '../../../shared/constants.js';
import type { Availability, Presence } from '../../../shared/schemas/presence.js';
import { appStore, useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { setPresence } from '../net/socket';
import { presenceLabel } from './labels';
import { endTelework, startTelework } from './telework';
import { TeleworkPlans } from './TeleworkPlans';
import '../i18n/ja-screens'; // this panel's strings (kept out of the first load)

/**
 * The panel of MyPresence: telework start/end, availability and status text. Loaded the first time
 * it is opened (the first-load budget). Mounted on each opening, so the form starts afresh.
 */
export function MyPresencePanel({ id, panelRef, presence }: { id: string; panelRef: RefObject<HTMLDivElement | null>; presence: Presence | undefined }) {
  const { t, lang } = useI18n();
  const me = useApp((s) => s.me);
  const telework = useApp((s) => s.telework);
  const [statusText, setStatusText] = useState(presence?.statusText ?? '');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const teleworking = presence?.state === 'teleworking';
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
    <div ref={panelRef} id={`${id}-panel`} className="popover" role="region" aria-label={t('me.menu')} data-testid="my-presence-panel">
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
      <TeleworkPlans id={id} />
    </div>
  );
}
