// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Message } from '../../shared/schemas/conversations.js';
import type { Meeting, MeetingMark, Minutes as MinutesData, Todo } from '../../shared/schemas/meetings.js';
import { appStore } from '../../client/src/app/state';
import { MEETING_CONV, MEETING_ID, SATO, SUZUKI, YAMADA, id, meeting, office, serve, type Call } from './meetings-support';

// As in meetings.test.tsx: socket.io-client is the edge; the server's events go through net/socket.ts.
const wire = vi.hoisted(() => ({ handlers: new Map<string, (event: unknown) => void>() }));
vi.mock('socket.io-client', () => ({
  io: () => {
    const socket = {
      connected: false,
      active: true,
      on: (name: string, handler: (event: unknown) => void) => wire.handlers.set(name, handler),
      connect: () => socket,
      disconnect: () => socket,
      removeAllListeners: () => socket,
      emit: () => socket,
      timeout: () => socket,
    };
    return socket;
  },
}));

const { connectSocket, disconnectSocket } = await import('../../client/src/net/socket');
const { MeetingView } = await import('../../client/src/meetings/MeetingView');
const { MeetingAlerts } = await import('../../client/src/meetings/MeetingAlerts');
const { Minutes, minutesFileName } = await import('../../client/src/meetings/Minutes');
const { Todos } = await import('../../client/src/meetings/Todos');
const { formatRemaining } = await import('../../client/src/meetings/Countdown');
const { resetMeetings } = await import('../../client/src/meetings/store');

const deliver = (name: string, event: unknown) => act(() => wire.handlers.get(name)!(event));

/** The meeting as the shell shows it: with the meeting events followed (MeetingAlerts, mounted after sign-in). */
const open = () =>
  render(
    <>
      <MeetingAlerts />
      <MeetingView meetingId={MEETING_ID} Conversation={Slot} />
    </>,
  );

/** One message of the meeting's conversation, as the history would show it. */
const said: Message = {
  id: id(40, 'f'),
  conversationId: MEETING_CONV,
  seq: 3,
  senderId: SATO.id,
  body: '窓口を2つ増やします',
  clientMsgId: 'client-0003',
  createdAt: new Date().toISOString(),
  mentions: [],
};

/**
 * The conversation slot the shell fills with the real ConversationView (history and composer); here
 * it shows what the meeting view hands it: the region's name, read-only or not, and the tools under
 * one message.
 */
function Slot({ conversationId, embedded }: { conversationId: string; embedded: { label: string; rowTools?: (m: Message) => ReactNode; readOnly?: boolean } }) {
  return (
    <section aria-label={embedded.label} data-testid="slot" data-conversation-id={conversationId} data-read-only={String(Boolean(embedded.readOnly))}>
      <p>{said.body}</p>
      {embedded.rowTools?.(said)}
    </section>
  );
}

const mark = (extra: Partial<MeetingMark>): MeetingMark => ({
  id: id(50, 'f'),
  meetingId: MEETING_ID,
  messageId: said.id,
  seq: said.seq,
  body: said.body,
  kind: 'decision',
  createdBy: YAMADA.id,
  createdAt: new Date().toISOString(),
  ...extra,
});

/** The server as the meeting view meets it: this meeting, its marks, and whatever `more` answers. */
function server(m: Meeting, marks: MeetingMark[] = [], more: (call: Call) => unknown = () => undefined): Call[] {
  return serve((call) => {
    const answer = more(call);
    if (answer !== undefined) return answer;
    if (call.method === 'GET' && call.path === `/api/meetings/${MEETING_ID}`) return m;
    if (call.method === 'GET' && call.path === `/api/meetings/${MEETING_ID}/marks`) return { marks };
    return undefined;
  });
}

function online(...ids: string[]): void {
  appStore.set((s) => ({
    ...s,
    presence: Object.fromEntries([YAMADA.id, SATO.id, SUZUKI.id].map((u) => [u, { state: ids.includes(u) ? 'in_office' : 'offline', availability: 'available' }])),
  }));
}

beforeEach(() => {
  office();
  online(YAMADA.id, SATO.id, SUZUKI.id);
  history.replaceState(null, '', `/meetings/${MEETING_ID}`);
  connectSocket();
});
afterEach(() => {
  cleanup();
  disconnectSocket();
  resetMeetings();
  vi.unstubAllGlobals();
});

describe('the meeting view', () => {
  test('shows the topic, the agenda, a countdown, who is present (joined and connected) and who is absent', async () => {
    online(YAMADA.id, SUZUKI.id); // 佐藤 joined but her connection is gone
    server(meeting());
    open();
    expect((await screen.findByRole('heading', { level: 2 })).textContent).toBe('窓口の混雑対策');
    expect(screen.getByRole('timer').textContent).toMatch(/^1[34]:\d\d$/);
    expect(within(screen.getByTestId('meeting-agenda')).getAllByRole('checkbox')).toHaveLength(2);
    expect(screen.getByTestId('meeting-present').textContent).toContain('山田 太郎');
    expect(screen.getByTestId('meeting-present').textContent).not.toContain('佐藤');
    const absent = screen.getByTestId('meeting-absent').textContent;
    expect(absent).toContain('佐藤 花子');
    expect(absent).toContain('接続なし');
    expect(absent).toContain('鈴木 一郎');
    expect(screen.getByTestId('slot').dataset).toMatchObject({ conversationId: MEETING_CONV, readOnly: 'false' });
  });

  test('the countdown is not announced as it ticks; the one-minute warning is, and the host may extend or end', async () => {
    const calls = server(meeting(), [], ({ path }) => (path.endsWith('/extend') ? meeting({ endsAt: new Date(Date.now() + 19 * 60_000).toISOString(), durationMin: 20 }) : undefined));
    open();
    await screen.findByRole('timer');
    const announcer = screen.getByTestId('meeting-announcer');
    expect(announcer.getAttribute('aria-live')).toBe('assertive');
    expect(announcer.textContent).toBe('');
    expect(screen.getByRole('timer').getAttribute('aria-live')).toBeNull(); // a timer is not live by default

    const endsAt = (await import('../../client/src/meetings/store')).meetingsStore.get().meetings[MEETING_ID]!.endsAt;
    deliver('meeting:warning', { meetingId: MEETING_ID, endsAt });
    expect(announcer.textContent).toBe('打ち合わせの残り時間は1分です。');
    expect(screen.getByTestId('meeting-warning').textContent).toContain('残り1分です');

    fireEvent.click(screen.getByRole('button', { name: '5分延長する' }));
    await waitFor(() => expect(calls.some((c) => c.path.endsWith('/extend'))).toBe(true));
    expect(calls.find((c) => c.path.endsWith('/extend'))).toEqual({ method: 'POST', path: `/api/meetings/${MEETING_ID}/extend`, body: { minutes: 5 } });
    // Extended: the warning was for the old end, so it is gone.
    await waitFor(() => expect(screen.queryByTestId('meeting-warning')).toBeNull());
    expect(screen.getByRole('button', { name: '10分延長する' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '終了する' })).toBeTruthy();
  });

  test('on another screen, the one-minute warning of a meeting I am in comes as a notice that opens it', async () => {
    server(meeting());
    history.replaceState(null, '', '/');
    render(<MeetingAlerts />);
    const m = meeting();
    deliver('meeting:updated', { meeting: m });
    deliver('meeting:warning', { meetingId: MEETING_ID, endsAt: m.endsAt });
    const notice = await screen.findByTestId('meeting-warning-notice');
    expect(notice.textContent).toContain('打ち合わせ「窓口の混雑対策」の残り時間は1分です');
    fireEvent.click(within(notice).getByRole('button', { name: '打ち合わせを開く' }));
    expect(location.pathname).toBe(`/meetings/${MEETING_ID}`);
    await waitFor(() => expect(screen.queryByTestId('meeting-warning-notice')).toBeNull());
  });

  test('only the host has the extend and end buttons', async () => {
    office(SATO);
    server(meeting());
    open();
    await screen.findByRole('timer');
    expect(screen.queryByRole('button', { name: '5分延長する' })).toBeNull();
    expect(screen.queryByRole('button', { name: '終了する' })).toBeNull();
    expect(screen.getByRole('button', { name: '退出する' })).toBeTruthy();
  });

  test('an agenda item is ticked off on the server, and ticks by others arrive live', async () => {
    const calls = server(meeting(), [], ({ path }) => (path.endsWith('/agenda') ? meeting({ agendaDone: [true, false] }) : undefined));
    open();
    const [first, second] = within(await screen.findByTestId('meeting-agenda')).getAllByRole('checkbox') as HTMLInputElement[];
    fireEvent.click(first!);
    await waitFor(() => expect(first!.checked).toBe(true));
    expect(calls.find((c) => c.path.endsWith('/agenda'))!.body).toEqual({ index: 0, done: true });
    deliver('meeting:updated', { meeting: meeting({ agendaDone: [true, true] }) });
    expect(second!.checked).toBe(true);
  });

  test('a message is marked as 決定事項, or as a ToDo for a participant with a due date; marks by others arrive live', async () => {
    const calls = server(meeting(), [], ({ method, path, body }) =>
      method === 'POST' && path.endsWith('/marks') ? mark({ id: id(Math.floor(Math.random() * 1e6), 'f'), ...(body as Partial<MeetingMark>) }) : undefined,
    );
    open();
    fireEvent.click(await screen.findByRole('button', { name: '決定事項にする' }));
    await screen.findByTestId('mark-decision');
    expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/marks'))!.body).toEqual({ messageId: said.id, kind: 'decision' });
    expect(screen.queryByRole('button', { name: '決定事項にする' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'ToDoにする' }));
    const form = screen.getByTestId('todo-form');
    expect((within(form).getByRole('button', { name: '記録する' }) as HTMLButtonElement).disabled).toBe(true); // no assignee yet
    const options = within(form).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['—', '山田 太郎', '佐藤 花子', '鈴木 一郎']);
    fireEvent.change(within(form).getByLabelText('担当者'), { target: { value: SUZUKI.id } });
    fireEvent.change(within(form).getByLabelText('期限(任意)'), { target: { value: '2026-12-10' } });
    fireEvent.click(within(form).getByRole('button', { name: '記録する' }));
    expect((await screen.findByTestId('mark-todo')).textContent).toContain('ToDo: 鈴木 一郎 (2026-12-10まで)');
    expect(calls.filter((c) => c.method === 'POST' && c.path.endsWith('/marks'))[1]!.body).toEqual({
      messageId: said.id,
      kind: 'todo',
      assigneeId: SUZUKI.id,
      dueDate: '2026-12-10',
    });
    expect(screen.getByTestId('meeting-marks').textContent).toContain('窓口を2つ増やします');

    // Another participant takes the decision back.
    const held = (await import('../../client/src/meetings/store')).meetingsStore.get().marks[MEETING_ID]!;
    const theDecision = Object.values(held).find((m) => m.kind === 'decision')!;
    deliver('meeting:mark', { mark: theDecision, removed: true });
    expect(screen.queryByTestId('mark-decision')).toBeNull();
  });

  test('once ended it is read-only: no composer, no ticking, no marking; the marks stay visible', async () => {
    const ended = meeting({ state: 'ended', endedAt: new Date().toISOString(), participants: meeting().participants.map((p) => ({ ...p, joined: false })) });
    server(ended, [mark({})]);
    open();
    expect((await screen.findByTestId('meeting-ended')).textContent).toContain('終了しました');
    expect(screen.getByTestId('slot').dataset.readOnly).toBe('true');
    for (const box of within(screen.getByTestId('meeting-agenda')).getAllByRole('checkbox')) expect((box as HTMLInputElement).disabled).toBe(true);
    await screen.findByTestId('mark-decision');
    expect(screen.queryByRole('button', { name: '決定事項にする' })).toBeNull();
    expect(screen.queryByTestId('mark-remove')).toBeNull();
    expect(screen.queryByRole('timer')).toBeNull();
    // Attended at some point / never.
    expect(screen.getByTestId('meeting-present').textContent).toContain('佐藤 花子');
    expect(screen.getByTestId('meeting-absent').textContent).toContain('鈴木 一郎');
  });

  test('an ending announced by the server turns a running view read-only at once', async () => {
    server(meeting());
    open();
    await screen.findByRole('timer');
    deliver('meeting:updated', { meeting: meeting({ state: 'ended', endedAt: new Date().toISOString() }) });
    expect(screen.getByTestId('meeting-state').textContent).toBe('終了');
    expect(screen.getByTestId('slot').dataset.readOnly).toBe('true');
  });

  test('the remaining time reads minutes and seconds, and never goes below zero', () => {
    expect(formatRemaining(15 * 60_000)).toBe('15:00');
    expect(formatRemaining(59_001)).toBe('1:00');
    expect(formatRemaining(9_000)).toBe('0:09');
    expect(formatRemaining(-5_000)).toBe('0:00');
  });
});

describe('the minutes', () => {
  const minutes: MinutesData = {
    meeting: meeting({ state: 'ended', endedAt: new Date().toISOString() }),
    title: '窓口の混雑対策',
    dateText: '2026-12-04 10:00–10:15',
    host: { userId: YAMADA.id, name: '山田 太郎' },
    attendees: [{ userId: YAMADA.id, name: '山田 太郎', spans: [{ joinedAt: '2026-12-04T01:00:00.000Z', leftAt: '2026-12-04T01:15:00.000Z' }] }],
    absentees: [{ userId: SUZUKI.id, name: '鈴木 一郎' }],
    agenda: [{ text: '現状の共有', done: true }],
    decisions: [mark({})],
    todos: [{ ...mark({ id: id(51, 'f'), kind: 'todo', assigneeId: SUZUKI.id, dueDate: '2026-12-10' }), assigneeName: '鈴木 一郎' }],
    transcript: [{ seq: 3, at: '2026-12-04T01:05:00.000Z', senderId: SATO.id, senderName: '佐藤 花子', body: '窓口を2つ増やします' }],
  };

  test('show attendees, absentees, agenda, decisions, ToDos and the transcript, with print and both downloads', async () => {
    const calls = serve(({ path }) =>
      path.includes('format=json') ? minutes : path.includes('format=md') ? new Response('# 窓口の混雑対策\n', { status: 200 }) : undefined,
    );
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const print = vi.fn();
    vi.stubGlobal('print', print);
    render(<Minutes meetingId={MEETING_ID} />);
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('窓口の混雑対策');
    expect(screen.getByTestId('minutes-attendees').textContent).toBe('山田 太郎 (10:00–10:15)');
    expect(screen.getByTestId('minutes-absentees').textContent).toBe('鈴木 一郎');
    expect(screen.getByTestId('minutes-decisions').textContent).toBe('窓口を2つ増やします');
    expect(screen.getByTestId('minutes-todos').textContent).toContain('鈴木 一郎');
    expect(screen.getByTestId('minutes-todos').textContent).toContain('2026-12-10');
    expect(screen.getByTestId('minutes-transcript').textContent).toContain('佐藤 花子');

    fireEvent.click(screen.getByRole('button', { name: '印刷' }));
    expect(print).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole('button', { name: 'Markdownで保存' }));
    await waitFor(() => expect(clicked).toEqual(['議事録_窓口の混雑対策.md']));
    expect(calls.map((c) => c.path)).toEqual([`/api/meetings/${MEETING_ID}/minutes?format=json`, `/api/meetings/${MEETING_ID}/minutes?format=md`]);
  });

  test('a file name keeps the title but not what file systems refuse', () => {
    expect(minutesFileName('予算: 2027/4月 "案"')).toBe('予算_ 2027_4月 _案_');
  });
});

describe('自分のToDo', () => {
  const todo = (n: number, body: string, extra: Partial<Todo> = {}): Todo => ({
    ...mark({ id: id(60 + n, 'f'), kind: 'todo', assigneeId: YAMADA.id, body }),
    meetingTopic: '窓口の混雑対策',
    conversationId: MEETING_CONV,
    ...extra,
  });

  test('lists my open ToDos with their meeting and due date; ticking one done takes it off the list', async () => {
    const calls = serve(({ method, path, body }) =>
      method === 'GET' ? { todos: [todo(1, '案内表示を作る', { dueDate: '2000-01-01' }), todo(2, '人員配置を確認')] } : { ...todo(1, '案内表示を作る'), ...(body as object) },
    );
    render(<Todos />);
    const items = await screen.findAllByTestId('todo-item');
    expect(items).toHaveLength(2);
    expect(calls[0]!.path).toBe('/api/todos?done=false');
    expect(items[0]!.textContent).toContain('打ち合わせ「窓口の混雑対策」');
    expect(items[0]!.textContent).toContain('期限切れ');
    fireEvent.click(screen.getByRole('checkbox', { name: '完了: 案内表示を作る' }));
    await waitFor(() => expect(screen.getAllByTestId('todo-item')).toHaveLength(1));
    expect(calls[1]).toEqual({ method: 'PATCH', path: `/api/todos/${id(61, 'f')}`, body: { done: true } });
  });
});
