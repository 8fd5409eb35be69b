import { useState } from 'react';
import type { User } from '../../../shared/schemas/auth.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import { useI18n } from '../i18n/i18n';
import { formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { navigate } from '../app/router';
import { openDirectMessage } from '../conversations/create';
import { PresenceDot } from '../presence/PresenceDot';
import { presenceLabel } from '../presence/labels';
import { PersonName } from './PersonName';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

interface Props {
  user: User;
  presence: Presence | undefined;
  departmentName: string;
  isMe: boolean;
}

export function PersonCard({ user, presence, departmentName, isMe }: Props) {
  const { t, lang } = useI18n();
  const [error, setError] = useState('');
  return (
    <article className="person" data-testid="person-card" data-user-id={user.id} data-state={presence?.state ?? 'unknown'} aria-label={user.name}>
      <div className="person__head">
        <PresenceDot presence={presence} testId="person-presence" />
        <PersonName user={user} className="person__name" />
        {user.title && <span className="person__title">{user.title}</span>}
      </div>
      <dl className="person__facts">
        <div>
          <dt>{t('dir.department')}</dt>
          <dd>{departmentName}</dd>
        </div>
        <div>
          <dt>{t('dir.staffNo')}</dt>
          <dd>{user.staffNo}</dd>
        </div>
      </dl>
      <p className="person__presence" data-testid="person-presence-label">
        {presenceLabel(t, presence)}
        {presence?.state === 'teleworking' && presence.teleworkSince && (
          <span className="muted"> ({t('presence.since', { time: formatTime(presence.teleworkSince, lang) })})</span>
        )}
      </p>
      {presence?.statusText && <p className="person__status">「{presence.statusText}」</p>}
      {!isMe && (
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            openDirectMessage(user.id).catch((e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')))
          }
          data-testid="person-message"
          aria-label={`${t('dir.message')}: ${user.name}`}
        >
          ✉ {t('dir.message')}
        </button>
      )}
      {!isMe && (
        <a
          href={`/meetings?new=1&with=${user.id}`}
          className="button button--small"
          onClick={(e) => {
            e.preventDefault();
            navigate(`/meetings?new=1&with=${user.id}`);
          }}
          data-testid="person-meeting"
          aria-label={`${t('conv.startMeeting')}: ${user.name}`}
        >
          {t('dir.startMeeting')}
        </a>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
