import type { Meeting, MeetingMark } from '../../../shared/schemas/meetings.js';
import { appStore } from '../app/state';
import { navigate } from '../app/router';
import { onMeetingEvent, type MeetingEvent } from '../net/socket';
import type { Translate } from '../i18n/i18n';
import { markChanged, meetingChanged, noticeAdded, resetMeetings, warningGiven } from './store';

const markListeners = new Set<(mark: MeetingMark, removed: boolean) => void>();

/** Be told of every mark added, changed or removed (自分のToDo refetches). */
export function onMarkEvent(listener: (mark: MeetingMark, removed: boolean) => void): () => void {
  markListeners.add(listener);
  return () => markListeners.delete(listener);
}

/** A meeting set this long ahead of its creation was scheduled: its start deserves a reminder. */
const SCHEDULED_AHEAD_MS = 60_000;

/**
 * Follows the `meeting:*` events announced by net/socket.ts for as long as someone is signed in:
 * meetings and marks into the store, an invitation or a scheduled meeting's start as a notice
 * (and a desktop notification while the window lacks the focus), the one-minute warning.
 * Returns the function that stops and forgets everything (sign-out).
 */
export function startMeetingLive(t: () => Translate): () => void {
  const reminded = new Set<string>();
  const stop = onMeetingEvent((e) => apply(e, t(), reminded));
  return () => {
    stop();
    resetMeetings();
  };
}

function apply(e: MeetingEvent, t: Translate, reminded: Set<string>): void {
  switch (e.type) {
    case 'invited': {
      const { meeting, invitedBy } = e.event;
      meetingChanged(meeting);
      if (meeting.state === 'ended') return;
      reminded.add(meeting.id); // the invitation itself says it has started
      noticeAdded({ kind: 'invited', meeting, invitedBy });
      const name = appStore.get().users[invitedBy]?.name ?? t('conv.unknownUser');
      desktop(meeting, t('mtg.invite.notifyTitle'), t('mtg.invite.text', { name, topic: meeting.topic }));
      return;
    }
    case 'updated': {
      const { meeting } = e.event;
      meetingChanged(meeting);
      if (startedWithoutMe(meeting) && !reminded.has(meeting.id)) {
        reminded.add(meeting.id);
        noticeAdded({ kind: 'reminder', meeting });
        desktop(meeting, t('mtg.remind.notifyTitle'), t('mtg.remind.text', { topic: meeting.topic }));
      }
      return;
    }
    case 'warning':
      warningGiven(e.event.meetingId, e.event.endsAt);
      return;
    case 'mark':
      markChanged(e.event.mark, e.event.removed);
      for (const listener of markListeners) listener(e.event.mark, Boolean(e.event.removed));
  }
}

/** A scheduled meeting of mine is now running and I have not joined it. */
export function startedWithoutMe(meeting: Meeting): boolean {
  const me = appStore.get().me?.id;
  if (!me || meeting.state !== 'running' || !meeting.memberIds.includes(me)) return false;
  if (meeting.participants.some((p) => p.userId === me && p.joined)) return false;
  return Date.parse(meeting.startsAt) - Date.parse(meeting.createdAt) >= SCHEDULED_AHEAD_MS;
}

/** Only while the person is elsewhere (like messages: notifications/), and only with permission. */
function desktop(meeting: Meeting, title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag: `meeting-${meeting.id}` });
    n.onclick = () => {
      window.focus();
      navigate(`/meetings/${meeting.id}`);
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the in-page notice remains.
  }
}
