import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../shared/schemas/accounts.js';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n';
import { endSession, listSessions } from './account';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

/** Where the person is signed in; any other sign-in can be ended from here (its windows close). */
export function MySessions() {
  const { t, lang } = useI18n();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [failed, setFailed] = useState(false);

  const load = () =>
    listSessions().then(
      (list) => {
        setSessions(list);
        setFailed(false);
      },
      () => setFailed(true),
    );
  useEffect(() => {
    void load();
  }, []);

  return (
    <section aria-labelledby="my-sessions-h" data-testid="my-sessions">
      <h3 id="my-sessions-h">{t('account.sessionsHeading')}</h3>
      {failed && <p className="error">{t('account.sessionsFailed')}</p>}
      <ul className="plain-list">
        {sessions?.map((s) => (
          <li key={s.id} className="session-row">
            <span>
              {s.current ? <strong>{t('account.sessionCurrent')}</strong> : (s.userAgent ?? s.ip ?? '—')}
              <span className="muted small"> {t('account.sessionSince', { time: formatDateTime(s.createdAt, lang) })}</span>
            </span>
            {!s.current && (
              <button type="button" className="button button--quiet" onClick={() => void endSession(s.id).then(load, load)}>
                {t('account.sessionEnd')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
