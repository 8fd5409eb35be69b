import { lazy, Suspense, useEffect } from 'react';
import { I18nProvider, useI18n } from '../i18n/i18n';
import { passwordChanged, restoreSession, useSession } from '../auth/session';
import { SignIn } from '../auth/SignIn';
import { Shell } from './Shell';

/** Only someone whose password was reset sees this screen. */
const MustChangePassword = lazy(() => import('../account/ChangePassword').then((m) => ({ default: m.MustChangePassword })));

export function App() {
  return (
    <I18nProvider>
      <Gate />
    </I18nProvider>
  );
}

/** Signed in or not: a reload asks the server (`GET /api/me`), the cookie decides. */
function Gate() {
  const { t } = useI18n();
  const session = useSession();
  useEffect(() => {
    void restoreSession();
  }, []);
  // Signed in, the shell's title carries the unread count; otherwise it is the plain name, in
  // the chosen language (and no count outlives a sign-out).
  const signedIn = session.status === 'signedIn';
  useEffect(() => {
    if (!signedIn) document.title = t('app.title');
  }, [signedIn, t]);
  if (session.status === 'checking') {
    return (
      <p className="splash" role="status">
        {t('auth.loading')}
      </p>
    );
  }
  if (session.status === 'signedOut') return <SignIn notice={session.notice} />;
  if (session.status === 'mustChangePassword') {
    return (
      <Suspense fallback={null}>
        <MustChangePassword onChanged={() => void passwordChanged()} />
      </Suspense>
    );
  }
  return <Shell />;
}
