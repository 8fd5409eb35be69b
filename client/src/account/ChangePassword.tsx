import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { ApiError } from '../net/api';
import { changePassword } from './account';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/**
 * The new-password form: shown on its own after a password reset (the server refuses everything
 * else until it is done), and in the settings for anyone who wants to change theirs.
 */
export function ChangePasswordForm({ onChanged, autoFocus }: { onChanged: () => void; autoFocus?: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError('');
    setDone(false);
    if (next !== confirm) return setError(t('account.mismatch'));
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'forbidden') setError(t('account.wrongCurrent'));
      else if (err instanceof ApiError && err.code === 'bad_request') setError(t('account.rejected', { reason: err.message }));
      else setError(t('auth.unavailable'));
    } finally {
      setBusy(false);
    }
  }

  const field = (key: string, label: string, value: string, set: (v: string) => void, autoComplete: string, focus?: boolean) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        className="input"
        type="password"
        autoComplete={autoComplete}
        required
        minLength={key === 'current' ? 1 : 8}
        maxLength={256}
        value={value}
        onChange={(e) => set(e.target.value)}
        autoFocus={focus}
        data-testid={`password-${key}`}
      />
    </div>
  );

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} data-testid="change-password-form">
      <h2 id={`${id}-h`}>{t('account.changeHeading')}</h2>
      {field('current', t('account.current'), current, setCurrent, 'current-password', autoFocus)}
      {field('new', t('account.new'), next, setNext, 'new-password')}
      {field('confirm', t('account.confirm'), confirm, setConfirm, 'new-password')}
      {error && (
        <p className="error" role="alert" data-testid="change-password-error">
          {error}
        </p>
      )}
      {done && (
        <p className="notice" role="status">
          {t('account.changed')}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={busy} data-testid="change-password-submit">
        {busy ? t('account.saving') : t('account.save')}
      </button>
    </form>
  );
}

/** The whole screen after a password reset: nothing else works until a new password is set. */
export function MustChangePassword({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  return (
    <main className="signin" id="main">
      <div className="signin__card">
        <p className="notice">{t('account.mustChangeLead')}</p>
        <ChangePasswordForm onChanged={onChanged} autoFocus />
      </div>
    </main>
  );
}
