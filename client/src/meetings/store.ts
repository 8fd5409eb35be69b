import type { Meeting, MeetingMark } from '../../../shared/schemas/meetings.js';
import { createStore, useStore } from '../app/store';

/**
 * What the meetings screens know: meetings by id (from answers and `meeting:updated`), marks per
 * meeting, the invitations and start reminders waiting for an answer, and the one-minute warnings.
 * In memory only, and emptied at sign-out (MeetingAlerts unmounting).
 */
export interface Notice {
  kind: 'invited' | 'reminder';
  meeting: Meeting;
  invitedBy?: string;
}

export interface MeetingsState {
  meetings: Record<string, Meeting>;
  /** meetingId → markId → mark; absent until the marks were loaded. */
  marks: Record<string, Record<string, MeetingMark>>;
  notices: Notice[];
  /** meetingId → the `endsAt` the one-minute warning was given for. */
  warned: Record<string, string>;
}

const empty = (): MeetingsState => ({ meetings: {}, marks: {}, notices: [], warned: {} });
export const meetingsStore = createStore<MeetingsState>(empty());

export function useMeetings<T>(select: (state: MeetingsState) => T): T {
  return useStore(meetingsStore, select);
}

export function resetMeetings(): void {
  meetingsStore.set(() => empty());
}

/** A meeting as the server now has it; an older copy (by the changes it went through) is kept out. */
export function meetingChanged(meeting: Meeting): void {
  meetingsStore.set((s) => {
    const held = s.meetings[meeting.id];
    if (held && order(held) > order(meeting)) return s;
    // An ended meeting needs no answer any more: its invitation or reminder goes.
    const notices = meeting.state === 'ended' ? s.notices.filter((n) => n.meeting.id !== meeting.id) : s.notices;
    return { ...s, meetings: { ...s.meetings, [meeting.id]: meeting }, notices };
  });
}

/** States only move forward (scheduled → running → ended); an event arriving late never undoes one. */
function order(m: Meeting): number {
  return m.state === 'ended' ? 2 : m.state === 'running' ? 1 : 0;
}

export function marksLoaded(meetingId: string, marks: MeetingMark[]): void {
  meetingsStore.set((s) => ({ ...s, marks: { ...s.marks, [meetingId]: Object.fromEntries(marks.map((m) => [m.id, m])) } }));
}

export function markChanged(mark: MeetingMark, removed = false): void {
  meetingsStore.set((s) => {
    const held = s.marks[mark.meetingId];
    if (!held) return s; // not shown here: loaded in full when its meeting opens
    const next = { ...held };
    if (removed) delete next[mark.id];
    else next[mark.id] = mark;
    return { ...s, marks: { ...s.marks, [mark.meetingId]: next } };
  });
}

export function noticeAdded(notice: Notice): void {
  meetingsStore.set((s) => ({
    ...s,
    notices: [...s.notices.filter((n) => n.meeting.id !== notice.meeting.id), notice],
  }));
}

export function noticeDismissed(meetingId: string): void {
  meetingsStore.set((s) => ({ ...s, notices: s.notices.filter((n) => n.meeting.id !== meetingId) }));
}

export function warningGiven(meetingId: string, endsAt: string): void {
  meetingsStore.set((s) => (s.warned[meetingId] === endsAt ? s : { ...s, warned: { ...s.warned, [meetingId]: endsAt } }));
}
