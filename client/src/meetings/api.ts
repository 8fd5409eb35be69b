import type { CreateMeetingBody, Meeting, MeetingMark, MeetingState, Minutes, Todo } from '../../../shared/schemas/meetings.js';
import { api, ApiError } from '../net/api';
import { marksLoaded, markChanged, meetingChanged } from './store';

/**
 * The meetings' REST calls (PROTOCOL.md, shared/schemas/meetings.ts). Every meeting an answer
 * carries goes into the meetings store, so the screens showing it follow at once; the socket's
 * `meeting:updated` brings the same for changes made by others.
 */
const base = (id: string) => `/api/meetings/${id}`;

async function meeting(promise: Promise<Meeting>): Promise<Meeting> {
  const m = await promise;
  meetingChanged(m);
  return m;
}

export const createMeeting = (body: CreateMeetingBody) => meeting(api.post<Meeting>('/api/meetings', body));
export const fetchMeeting = (id: string) => meeting(api.get<Meeting>(base(id)));
export const joinMeeting = (id: string) => meeting(api.post<Meeting>(`${base(id)}/join`));
export const leaveMeeting = (id: string) => meeting(api.post<Meeting>(`${base(id)}/leave`));
export const extendMeeting = (id: string, minutes: number) => meeting(api.post<Meeting>(`${base(id)}/extend`, { minutes }));
export const endMeeting = (id: string) => meeting(api.post<Meeting>(`${base(id)}/end`));
export const tickAgenda = (id: string, index: number, done: boolean) => meeting(api.post<Meeting>(`${base(id)}/agenda`, { index, done }));

export async function listMeetings(state: MeetingState, q: string): Promise<Meeting[]> {
  const { meetings } = await api.get<{ meetings: Meeting[] }>('/api/meetings', { state, q });
  for (const m of meetings) meetingChanged(m);
  return meetings;
}

export async function fetchMarks(id: string): Promise<MeetingMark[]> {
  const { marks } = await api.get<{ marks: MeetingMark[] }>(`${base(id)}/marks`);
  marksLoaded(id, marks);
  return marks;
}

export async function addMark(
  id: string,
  body: { messageId: string; kind: 'decision' | 'todo'; assigneeId?: string; dueDate?: string },
): Promise<MeetingMark> {
  const mark = await api.post<MeetingMark>(`${base(id)}/marks`, body);
  markChanged(mark);
  return mark;
}

export async function removeMark(mark: MeetingMark): Promise<void> {
  await api.delete<void>(`${base(mark.meetingId)}/marks/${mark.id}`);
  markChanged(mark, true);
}

export const fetchMinutes = (id: string) => api.get<Minutes>(`${base(id)}/minutes`, { format: 'json' });

export async function listTodos(done?: boolean): Promise<Todo[]> {
  const { todos } = await api.get<{ todos: Todo[] }>('/api/todos', { done: done === undefined ? undefined : String(done) });
  return todos;
}

export const setTodoDone = (id: string, done: boolean) => api.patch<Todo>(`/api/todos/${id}`, { done });

/**
 * The minutes as a file (Markdown or CSV), saved through a temporary link to a blob: fetched like
 * every API request (`no-store`, so the browser's HTTP cache keeps no copy of the text).
 */
export async function downloadMinutes(id: string, format: 'md' | 'csv', fileName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${base(id)}/minutes?format=${format}`, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError('unavailable', 0, 'network error');
  }
  if (!response.ok) throw new ApiError(response.status === 404 ? 'not_found' : response.status === 403 ? 'forbidden' : 'internal', response.status, response.statusText);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${fileName}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
