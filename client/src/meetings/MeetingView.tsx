import { useCallback, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import type { Message } from '../../../shared/schemas/conversations.js';
import type { Meeting } from '../../../shared/schemas/meetings.js';
import { MEETING_EXTENSIONS } from '../../../shared/constants.js';
import { navigate } from '../app/router';
import { useApp } from '../app/state';
import { PersonName } from '../directory/PersonName';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { formatDateTime, formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { onConnected } from '../net/socket';
import { PresenceDot } from '../presence/PresenceDot';
import { useWatchedPeople } from '../presence/watch';
import { endMeeting, extendMeeting, fetchMarks, fetchMeeting, joinMeeting, leaveMeeting, tickAgenda } from './api';
import { Countdown } from './Countdown';
import { MarkTools, useMarkLabel } from './MarkTools';
import { useMeetings } from './store';
import './meetings.css';

/** What the meeting view needs of the conversation view the shell hands it (history and composer). */
export type EmbeddedConversation = ComponentType<{
  conversationId: string;
  embedded: { label: string; rowTools?: (message: Message) => ReactNode; readOnly?: boolean };
}>;

/**
 * One meeting: topic, state and countdown, the host's extend/end, the agenda to tick off, who is
 * present and who is not, the decisions and ToDos, and its conversation (the ordinary history and
 * composer, given by the shell), read-only once it has ended or until I join.
 */
export function MeetingView({ meetingId, Conversation }: { meetingId: string; Conversation: EmbeddedConversation }) {
  const { t, lang } = useI18n();
  const meeting = useMeetings((s) => s.meetings[meetingId]);
  const warned = useMeetings((s) => s.warned[meetingId]);
  const me = useApp((s) => s.me);
  const [error, setError] = useState('');
  const [loadError, setLoadError] = useState('');
  const [busy, setBusy] = useState(false);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')), [t]);

  // Loaded on opening and after every reconnect (events missed while away are not replayed).
  useEffect(() => {
    const load = () => {
      fetchMeeting(meetingId).then(
        () => setLoadError(''),
        (e: unknown) => setLoadError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal')),
      );
      fetchMarks(meetingId).catch(() => {});
    };
    load();
    return onConnected(load);
  }, [meetingId]); // eslint-disable-line react-hooks/exhaustive-deps
  useWatchedPeople(meeting?.memberIds ?? []);

  const joined = Boolean(meeting?.participants.some((p) => p.userId === me?.id && p.joined));
  const running = meeting?.state === 'running';
  const readOnly = !running || !joined;
  const rowTools = useCallback(
    (message: Message) => (meeting ? <MarkTools meeting={meeting} message={message} readOnly={readOnly} /> : null),
    [meeting, readOnly],
  );

  if (!meeting) {
    return (
      <section className="meeting meeting--empty">
        <p className={loadError ? 'error' : 'muted'} role={loadError ? 'alert' : undefined}>
          {loadError || t('mtg.view.loading')}
        </p>
      </section>
    );
  }
  const isHost = meeting.hostId === me?.id;
  const act = (work: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError('');
    work().then(
      () => {
        setBusy(false);
        after?.();
      },
      (e: unknown) => {
        setBusy(false);
        fail(e);
      },
    );
  };
  const warningNow = running && warned === meeting.endsAt;
  const hostControls = isHost && running && (
    <span className="meeting__host-controls">
      {MEETING_EXTENSIONS.map((n) => (
        <button
          key={n}
          type="button"
          className="button button--small"
          aria-label={t('mtg.view.extendLabel', { n })}
          disabled={busy}
          onClick={() => act(() => extendMeeting(meeting.id, n))}
          data-testid={`meeting-extend-${n}`}
        >
          {t('mtg.view.extend', { n })}
        </button>
      ))}
      <button
        type="button"
        className="button button--small button--danger"
        disabled={busy}
        onClick={() => window.confirm(t('mtg.view.endConfirm')) && act(() => endMeeting(meeting.id))}
        data-testid="meeting-end"
      >
        {t('mtg.view.end')}
      </button>
    </span>
  );

  return (
    <section className="meeting" aria-labelledby="meeting-topic" data-testid="meeting-view" data-meeting-id={meeting.id} data-state={meeting.state}>
      <header className="meeting__head">
        <div className="meeting__title-line">
          <h2 id="meeting-topic" className="meeting__topic" data-testid="meeting-topic-heading">
            {meeting.topic}
          </h2>
          <span className={`meeting__state meeting__state--${meeting.state}`} data-testid="meeting-state">
            {t(`mtg.state.${meeting.state}`)}
          </span>
          <span className="muted small">
            {meeting.state === 'scheduled'
              ? t('mtg.view.startsAt', { time: formatDateTime(meeting.startsAt, lang) })
              : `${formatTime(meeting.startsAt, lang)}–${formatTime(meeting.endedAt ?? meeting.endsAt, lang)}`}
          </span>
          <Countdown meeting={meeting} />
        </div>
        <div className="meeting__actions">
          {running && !joined && (
            <button type="button" className="button button--small button--primary" disabled={busy} onClick={() => act(() => joinMeeting(meeting.id))} data-testid="meeting-join">
              {t('mtg.view.join')}
            </button>
          )}
          {hostControls}
          {running && joined && (
            <button type="button" className="button button--small button--quiet" disabled={busy} onClick={() => act(() => leaveMeeting(meeting.id), () => navigate('/meetings'))} data-testid="meeting-leave">
              {t('mtg.view.leave')}
            </button>
          )}
          <a className="button button--small button--quiet" href={`/meetings/${meeting.id}/minutes`} onClick={link(`/meetings/${meeting.id}/minutes`)} data-testid="meeting-minutes-link">
            {t('mtg.view.minutes')}
          </a>
          <a className="button button--small button--quiet" href="/meetings" onClick={link('/meetings')}>
            {t('mtg.view.back')}
          </a>
        </div>
      </header>
      {warningNow && (
        <div className="meeting__warning" data-testid="meeting-warning">
          <span>{t('mtg.view.warning')}</span>
        </div>
      )}
      {/* Announced once: the one-minute warning only, not every tick of the countdown. */}
      <div className="visually-hidden" aria-live="assertive" data-testid="meeting-announcer">
        {warningNow ? t('mtg.view.announceWarning') : ''}
      </div>
      {meeting.state === 'ended' && (
        <p className="meeting__ended" data-testid="meeting-ended">
          {t('mtg.view.ended')}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="meeting__body">
        <div className="meeting__conversation">
          <Conversation conversationId={meeting.conversationId} embedded={{ label: meeting.topic, rowTools, readOnly }} />
        </div>
        <aside className="meeting__side">
          <Agenda meeting={meeting} readOnly={readOnly} onError={fail} />
          <People meeting={meeting} />
          <Marks meetingId={meeting.id} />
        </aside>
      </div>
    </section>
  );
}

function link(path: string) {
  return (e: { metaKey: boolean; ctrlKey: boolean; preventDefault(): void }) => {
    if (e.metaKey || e.ctrlKey) return;
    e.preventDefault();
    navigate(path);
  };
}

function Agenda({ meeting, readOnly, onError }: { meeting: Meeting; readOnly: boolean; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  // A tick shows at once; the server's answer (or meeting:updated) then holds it, a refusal undoes it.
  const [pending, setPending] = useState<Record<number, boolean>>({});
  const tick = (index: number, done: boolean) => {
    setPending((p) => ({ ...p, [index]: done }));
    tickAgenda(meeting.id, index, done)
      .catch(onError)
      .finally(() =>
        setPending((p) => {
          const { [index]: _settled, ...rest } = p;
          return rest;
        }),
      );
  };
  return (
    <section className="meeting__panel" aria-labelledby="meeting-agenda-h">
      <h3 id="meeting-agenda-h">{t('mtg.view.agenda')}</h3>
      {meeting.agenda.length === 0 ? (
        <p className="muted small">{t('mtg.view.noAgenda')}</p>
      ) : (
        <ul className="meeting__agenda" data-testid="meeting-agenda">
          {meeting.agenda.map((item, i) => {
            const done = pending[i] ?? Boolean(meeting.agendaDone[i]);
            return (
              <li key={i}>
                <label className={done ? 'meeting__agenda-done' : undefined}>
                  <input type="checkbox" checked={done} disabled={readOnly} onChange={(e) => tick(i, e.target.checked)} data-testid="agenda-tick" />{' '}
                  {item}
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Present: joined and connected (presence not offline). Everyone else invited is absent. */
function People({ meeting }: { meeting: Meeting }) {
  const { t } = useI18n();
  const users = useApp((s) => s.users);
  const presence = useApp((s) => s.presence);
  const ended = meeting.state === 'ended';
  const joined = new Set(meeting.participants.filter((p) => p.joined).map((p) => p.userId));
  // Once ended: who attended at some point, and who never did.
  const attended = new Set(meeting.participants.filter((p) => p.spans.length > 0).map((p) => p.userId));
  const present = ended
    ? meeting.memberIds.filter((id) => attended.has(id))
    : meeting.memberIds.filter((id) => joined.has(id) && presence[id]?.state !== 'offline');
  const absent = meeting.memberIds.filter((id) => !present.includes(id));
  const person = (id: string, note?: string) => {
    const user = users[id];
    return (
      <li key={id} data-user-id={id}>
        <PresenceDot presence={presence[id]} />
        {user ? <PersonName user={user} /> : t('conv.unknownUser')}
        {id === meeting.hostId && <span className="muted small"> ({t('mtg.view.host')})</span>}
        {note && <span className="muted small"> ({note})</span>}
      </li>
    );
  };
  return (
    <section className="meeting__panel" aria-labelledby="meeting-people-h">
      <h3 id="meeting-people-h">{t('mtg.view.people')}</h3>
      <h4 className="small">{ended ? t('mtg.min.attendees') : t('mtg.view.present', { n: present.length })}</h4>
      <ul className="meeting__people" data-testid="meeting-present">
        {present.map((id) => person(id))}
      </ul>
      <h4 className="small">{ended ? t('mtg.min.absentees') : t('mtg.view.absent', { n: absent.length })}</h4>
      <ul className="meeting__people" data-testid="meeting-absent">
        {absent.map((id) => person(id, joined.has(id) && !ended ? t('mtg.view.notConnected') : undefined))}
      </ul>
    </section>
  );
}

function Marks({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const marks = useMeetings((s) => s.marks[meetingId]);
  const label = useMarkLabel();
  const list = Object.values(marks ?? {}).sort((a, b) => a.seq - b.seq);
  return (
    <section className="meeting__panel" aria-labelledby="meeting-marks-h">
      <h3 id="meeting-marks-h">{t('mtg.view.marks')}</h3>
      {list.length === 0 ? (
        <p className="muted small">{t('mtg.view.noMarks')}</p>
      ) : (
        <ul className="meeting__marks" data-testid="meeting-marks">
          {list.map((m) => (
            <li key={m.id} data-kind={m.kind}>
              <span className={`mark mark--${m.kind}`}>{label(m)}</span> {m.body}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
