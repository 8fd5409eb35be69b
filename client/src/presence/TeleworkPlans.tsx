import { useEffect, useState, type FormEvent } from 'react';
import type { TeleworkPlan } from '../../../shared/schemas/telework-plans.js';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { isImeKey } from '../composer/keys';
import { myPlans, registerPlans, removePlan, tokyoToday } from './plans';

/** 「テレワーク予定」 in my presence panel: register a day or a range with a note, and see or withdraw mine. */
export function TeleworkPlans({ id }: { id: string }) {
  const { t } = useI18n();
  const [plans, setPlans] = useState<TeleworkPlan[] | null>(null);
  const [from, setFrom] = useState(tokyoToday());
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const reload = () => myPlans().then((r) => setPlans(r.plans), () => setPlans([]));
  useEffect(() => void reload(), []);

  async function run(work: () => Promise<unknown>, ok?: string) {
    setMessage(null);
    try {
      await work();
      await reload();
      if (ok) setMessage({ kind: 'ok', text: ok });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? `${t(`err.${e.code}`)} ${e.message}` : t('err.internal') });
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(() => registerPlans({ from, ...(to ? { to } : {}), ...(note.trim() ? { note: note.trim() } : {}) }), t('plans.registered'));
  }

  return (
    <section className="plans" aria-labelledby={`${id}-plans`} data-testid="telework-plans">
      <h3 id={`${id}-plans`} className="popover__subtitle">
        {t('plans.heading')}
      </h3>
      <form
        onSubmit={submit}
        // The Enter that confirms an IME conversion in the note must not register.
        onKeyDown={(e) => e.key === 'Enter' && isImeKey({ isComposing: e.nativeEvent.isComposing, keyCode: e.keyCode }) && e.preventDefault()}
      >
        <div className="inline">
          <label className="small">
            {t('plans.from')} <input type="date" className="input" required min={tokyoToday()} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="plan-from" />
          </label>
          <label className="small">
            {t('plans.to')} <input type="date" className="input" min={from} value={to} onChange={(e) => setTo(e.target.value)} data-testid="plan-to" />
          </label>
        </div>
        <div className="inline">
          <input className="input" maxLength={200} placeholder={t('plans.note')} aria-label={t('plans.note')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="plan-note" />
          <button type="submit" className="button" data-testid="plan-register">
            {t('plans.register')}
          </button>
        </div>
      </form>
      {message && (
        <p className={message.kind === 'error' ? 'error' : 'ok'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {plans && plans.length === 0 && <p className="muted small">{t('plans.none')}</p>}
      {plans && plans.length > 0 && (
        <ul className="plans__list" data-testid="my-plans">
          {plans.slice(0, 10).map((p) => (
            <li key={p.id} className="small">
              {p.date} {p.note ?? ''}{' '}
              <button type="button" className="button button--small button--quiet" aria-label={t('plans.removeLabel', { date: p.date })} onClick={() => void run(() => removePlan(p.id))}>
                {t('plans.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
