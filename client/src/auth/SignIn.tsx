import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { useI18n, type Translate } from '../i18n/i18n';
import { api, ApiError } from '../net/api';
import { LanguageSelect } from '../app/LanguageSelect';
import { signIn } from './session';
import { noteSigningIn, signInFailed } from './arrival';

// Seen once in an installation's life: loaded only when the server says setup is open.
const FirstSetup = lazy(() => import('./FirstSetup').then((m) => ({ default: m.FirstSetup })));

/** What the sign-in screen says about a failed attempt; a 429 says how long to wait, in whole minutes. */
export function signInErrorText(err: unknown, t: Translate): string {
  const code = err instanceof ApiError ? err.code : 'internal';
  if (code === 'rate_limited') {
    const seconds = err instanceof ApiError ? err.retryAfterS : undefined;
    return seconds ? t('auth.retryInMinutes', { n: Math.max(1, Math.ceil(seconds / 60)) }) : t('auth.rateLimited');
  }
  if (code === 'unavailable' || code === 'internal') return t('auth.unavailable');
  return t('auth.failed');
}

export function SignIn({ notice }: { notice?: 'expired' }) {
  const { t } = useI18n();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [setupOpen, setSetupOpen] = useState(false);

  // A new installation has no admin yet: offer the first-time setup instead of a sign-in nobody can pass.
  useEffect(() => {
    let live = true;
    api.get<{ needed: boolean }>('/api/setup').then(
      (status) => live && setSetupOpen(status.needed),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);

  if (setupOpen) {
    return (
      <Suspense fallback={null}>
        <FirstSetup onDone={() => setSetupOpen(false)} />
      </Suspense>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    // Noted before the answer: the signed-in screen may appear before `signIn` returns.
    noteSigningIn();
    try {
      await signIn(loginId.trim(), password);
    } catch (err) {
      signInFailed();
      setError(signInErrorText(err, t));
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form className="signin__card" onSubmit={submit} aria-labelledby="signin-heading" data-testid="signin-form">
        <div className="signin__brand" aria-hidden="true">
          ✉
        </div>
        <h1 id="signin-heading">{t('auth.heading')}</h1>
        <p className="muted">{t('auth.lead')}</p>
        {notice === 'expired' && !error && (
          <p className="notice" role="status">
            {t('auth.expired')}
          </p>
        )}
        <div className="field">
          <label htmlFor="login-id">{t('auth.loginId')}</label>
          <input
            id="login-id"
            className="input"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            required
            value={loginId}
            onChange={(e) => setLoginId(e.target.value)}
            data-testid="login-id"
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="password">{t('auth.password')}</label>
          <input
            id="password"
            className="input"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="password"
          />
        </div>
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary button--block" disabled={busy} data-testid="signin-submit">
          {busy ? t('auth.submitting') : t('auth.submit')}
        </button>
        <div className="signin__lang">
          <LanguageSelect />
        </div>
      </form>
    </main>
  );
}
