import { useEffect, useRef, useState } from 'react';
import { navigate, useRoute } from '../app/router';
import { useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { ApiError } from '../net/api';
import { joinMeeting } from './api';
import { startMeetingLive } from './live';
import { noticeDismissed, useMeetings } from './store';
import './meetings.css';

/**
 * Loaded after sign-in (not in the first load): follows the meeting events for the whole session
 * and shows the invitations (「参加する」/「後で」) and the starts of scheduled meetings.
 */
export function MeetingAlerts() {
  const { t } = useI18n();
  const tRef = useRef(t);
  tRef.current = t;
  useEffect(() => startMeetingLive(() => tRef.current), []);
  const notices = useMeetings((s) => s.notices);
  const meetings = useMeetings((s) => s.meetings);
  const warned = useMeetings((s) => s.warned);
  const users = useApp((s) => s.users);
  const me = useApp((s) => s.me);
  const route = useRoute();
  const [error, setError] = useState('');
  const [putAway, setPutAway] = useState<Record<string, string>>({});
  // The one-minute warning of a meeting I am in, while I look at another screen (the meeting view says it itself).
  const warnings = Object.keys(warned)
    .map((id) => meetings[id])
    .filter(
      (m) =>
        m &&
        m.state === 'running' &&
        warned[m.id] === m.endsAt &&
        putAway[m.id] !== m.endsAt &&
        !(route.name === 'meeting' && route.meetingId === m.id) &&
        m.participants.some((p) => p.userId === me?.id && p.joined),
    ) as NonNullable<(typeof meetings)[string]>[];

  if (notices.length === 0 && warnings.length === 0 && !error) return null;
  const join = (meetingId: string) => {
    setError('');
    joinMeeting(meetingId).then(
      () => {
        noticeDismissed(meetingId);
        navigate(`/meetings/${meetingId}`);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')),
    );
  };
  return (
    <section className="meeting-alerts" aria-label={t('mtg.alerts')} data-testid="meeting-alerts">
      {notices.map((n) => (
        <div key={n.meeting.id} className="meeting-alert" role="alert" data-testid={`meeting-${n.kind}`} data-meeting-id={n.meeting.id}>
          <span className="meeting-alert__text">
            {n.kind === 'invited'
              ? t('mtg.invite.text', { name: (n.invitedBy && users[n.invitedBy]?.name) || t('conv.unknownUser'), topic: n.meeting.topic })
              : t('mtg.remind.text', { topic: n.meeting.topic })}
          </span>
          <button type="button" className="button button--small button--primary" onClick={() => join(n.meeting.id)} data-testid="meeting-alert-join">
            {t('mtg.invite.join')}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => noticeDismissed(n.meeting.id)} data-testid="meeting-alert-later">
            {t('mtg.invite.later')}
          </button>
        </div>
      ))}
      {warnings.map((m) => (
        <div key={`w-${m.id}`} className="meeting-alert" role="alert" data-testid="meeting-warning-notice" data-meeting-id={m.id}>
          <span className="meeting-alert__text">{t('mtg.warn.text', { topic: m.topic })}</span>
          <button type="button" className="button button--small button--primary" onClick={() => navigate(`/meetings/${m.id}`)}>
            {t('mtg.warn.open')}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={() => setPutAway((p) => ({ ...p, [m.id]: m.endsAt }))}>
            {t('mtg.invite.later')}
          </button>
        </div>
      ))}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
