import { useEffect, useState } from 'react';
import type { Meeting } from '../../../shared/schemas/meetings.js';
import { useI18n } from '../i18n/i18n';
import { fetchMeeting } from './api';
import { warningGiven } from './store';

const WARNING_MS = 60_000;

/** "12:05" from milliseconds (rounded up: 0:00 only when the time is really up). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The visible countdown of a running meeting. It is a `timer` (not announced as it ticks); the
 * one-minute warning is announced by the meeting view's own live region. Crossing the last minute
 * here counts as the warning too (the server's `meeting:warning` may be a moment late), and at zero
 * the meeting is fetched again in case its end was missed while the connection dropped.
 */
export function Countdown({ meeting }: { meeting: Meeting }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  const running = meeting.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const left = Date.parse(meeting.endsAt) - now;
  useEffect(() => {
    if (running && left <= WARNING_MS && left > 0) warningGiven(meeting.id, meeting.endsAt);
  }, [running, left <= WARNING_MS, meeting.id, meeting.endsAt]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!running || left > 0) return;
    const timer = setTimeout(() => void fetchMeeting(meeting.id).catch(() => {}), 3000);
    return () => clearTimeout(timer);
  }, [running, left <= 0, meeting.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!running) return null;
  return (
    <span className={`countdown${left <= WARNING_MS ? ' countdown--warning' : ''}`}>
      <span className="countdown__label">{t('mtg.view.remaining')}</span>{' '}
      <span role="timer" className="countdown__value" data-testid="meeting-countdown">
        {formatRemaining(left)}
      </span>
    </span>
  );
}
