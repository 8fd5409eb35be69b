import { useEffect, useState } from 'react';
import type { Minutes as MinutesData } from '../../../shared/schemas/meetings.js';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-meetings';
import { formatTime } from '../i18n/format';
import { ApiError } from '../net/api';
import { downloadMinutes, fetchMinutes } from './api';
import './meetings.css';
import './minutes-print.css';

/** A file name from the title: what Windows and macOS refuse in names becomes 「_」. */
export function minutesFileName(title: string): string {
  return title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 80) || 'minutes';
}

/**
 * 議事録: the meeting's record as the server composes it (attendees with their times, absentees,
 * agenda, decisions, ToDos, the whole transcript), printable on A4 (minutes-print.css) and saved as
 * Markdown or CSV (the server's files, byte for byte).
 */
export function Minutes({ meetingId }: { meetingId: string }) {
  const { t, lang } = useI18n();
  const [minutes, setMinutes] = useState<MinutesData | null>(null);
  const [error, setError] = useState('');
  const fail = (e: unknown) => setError(e instanceof ApiError ? t(`err.${e.code}`) : t('err.internal'));
  useEffect(() => {
    let current = true;
    fetchMinutes(meetingId).then((m) => current && setMinutes(m), (e: unknown) => current && fail(e));
    return () => {
      current = false;
    };
  }, [meetingId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!minutes) {
    return (
      <section className="minutes">
        <p className={error ? 'error' : 'muted'} role={error ? 'alert' : undefined}>
          {error || t('mtg.view.loading')}
        </p>
      </section>
    );
  }
  const spans = (list: { joinedAt: string; leftAt?: string }[]) =>
    list.map((s) => `${formatTime(s.joinedAt, lang)}–${s.leftAt ? formatTime(s.leftAt, lang) : ''}`).join(', ');
  const none = <p className="muted">{t('mtg.min.none')}</p>;
  const save = (format: 'md' | 'csv') => {
    setError('');
    downloadMinutes(meetingId, format, minutesFileName(`議事録_${minutes.title}`)).catch(fail);
  };

  return (
    <article className="minutes" aria-labelledby="minutes-title" data-testid="minutes">
      <div className="minutes__tools no-print">
        <a
          className="button button--small button--quiet"
          href={`/meetings/${meetingId}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/meetings/${meetingId}`);
          }}
        >
          {t('mtg.min.back')}
        </a>
        <button type="button" className="button button--small" onClick={() => window.print()} data-testid="minutes-print">
          {t('mtg.min.print')}
        </button>
        <button type="button" className="button button--small" onClick={() => save('md')} data-testid="minutes-md">
          {t('mtg.min.md')}
        </button>
        <button type="button" className="button button--small" onClick={() => save('csv')} data-testid="minutes-csv">
          {t('mtg.min.csv')}
        </button>
      </div>
      {error && (
        <p className="error no-print" role="alert">
          {error}
        </p>
      )}
      {minutes.meeting.state !== 'ended' && <p className="minutes__interim">{t('mtg.min.notEnded')}</p>}
      <h1 id="minutes-title" className="minutes__title">
        {minutes.title}
      </h1>
      <dl className="minutes__facts">
        <div>
          <dt>{t('mtg.min.date')}</dt>
          <dd>{minutes.dateText}</dd>
        </div>
        <div>
          <dt>{t('mtg.min.host')}</dt>
          <dd>{minutes.host.name}</dd>
        </div>
        <div>
          <dt>{t('mtg.min.attendees')}</dt>
          <dd data-testid="minutes-attendees">
            {minutes.attendees.length === 0
              ? t('mtg.min.none')
              : minutes.attendees.map((a) => `${a.name} (${spans(a.spans)})`).join('、')}
          </dd>
        </div>
        <div>
          <dt>{t('mtg.min.absentees')}</dt>
          <dd data-testid="minutes-absentees">{minutes.absentees.length === 0 ? t('mtg.min.none') : minutes.absentees.map((a) => a.name).join('、')}</dd>
        </div>
      </dl>

      <h2>{t('mtg.min.agenda')}</h2>
      {minutes.agenda.length === 0 ? (
        none
      ) : (
        <ul className="minutes__agenda">
          {minutes.agenda.map((a, i) => (
            <li key={i}>
              <span aria-hidden="true">{a.done ? '☑' : '☐'}</span> <span className="visually-hidden">{a.done ? t('mtg.min.done') : ''}</span>
              {a.text}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('mtg.min.decisions')}</h2>
      {minutes.decisions.length === 0 ? (
        none
      ) : (
        <ol className="minutes__decisions" data-testid="minutes-decisions">
          {minutes.decisions.map((d) => (
            <li key={d.id}>{d.body}</li>
          ))}
        </ol>
      )}

      <h2>{t('mtg.min.todos')}</h2>
      {minutes.todos.length === 0 ? (
        none
      ) : (
        <table className="minutes__table" data-testid="minutes-todos">
          <thead>
            <tr>
              <th scope="col">{t('mtg.min.item')}</th>
              <th scope="col">{t('mtg.min.assignee')}</th>
              <th scope="col">{t('mtg.min.due')}</th>
              <th scope="col">{t('mtg.min.done')}</th>
            </tr>
          </thead>
          <tbody>
            {minutes.todos.map((todo) => (
              <tr key={todo.id}>
                <td>{todo.body}</td>
                <td>{todo.assigneeName}</td>
                <td>{todo.dueDate ?? ''}</td>
                <td>{todo.done ? '✓' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('mtg.min.transcript')}</h2>
      {minutes.transcript.length === 0 ? (
        none
      ) : (
        <table className="minutes__table minutes__transcript" data-testid="minutes-transcript">
          <thead>
            <tr>
              <th scope="col">{t('mtg.min.time')}</th>
              <th scope="col">{t('mtg.min.speaker')}</th>
              <th scope="col">{t('mtg.min.item')}</th>
            </tr>
          </thead>
          <tbody>
            {minutes.transcript.map((line) => (
              <tr key={line.seq} className={line.system ? 'minutes__system' : undefined}>
                <td>{formatTime(line.at, lang)}</td>
                <td>{line.system ? '' : line.senderName}</td>
                <td className="minutes__text">{line.body}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
