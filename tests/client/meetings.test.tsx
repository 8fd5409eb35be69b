// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Meeting } from '../../shared/schemas/meetings.js';
import { GROUP_ID, MEETING_ID, SATO, SUZUKI, YAMADA, meeting, office, serve } from './meetings-support';

// socket.io-client's socket is the network edge: capture the handlers net/socket.ts registers, so
// that a test can deliver the server's `meeting:*` events through the real net/socket.ts.
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
const { parseRoute } = await import('../../client/src/app/router');
const { MeetingAlerts } = await import('../../client/src/meetings/MeetingAlerts');
const { StartMeetingDialog } = await import('../../client/src/meetings/StartMeetingDialog');
const { resetMeetings } = await import('../../client/src/meetings/store');
const { MeetingsList } = await import('../../client/src/meetings/MeetingsList');
const { PersonCard } = await import('../../client/src/directory/PersonCard');

const deliver = (name: string, event: unknown) => act(() => wire.handlers.get(name)!(event));

beforeEach(() => {
  office();
  history.replaceState(null, '', '/');
  connectSocket();
});
afterEach(() => {
  cleanup();
  disconnectSocket();
  resetMeetings();
  vi.unstubAllGlobals();
});

describe('the meetings routes', () => {
  test('the start dialog opens over the list from a conversation or a person, and a meeting and its minutes have their own addresses', () => {
    expect(parseRoute('/meetings', `?new=1&from=${GROUP_ID}`)).toEqual({ name: 'meetings', start: { from: GROUP_ID } });
    expect(parseRoute('/meetings', `?new=1&with=${SATO.id}`)).toEqual({ name: 'meetings', start: { with: SATO.id } });
    expect(parseRoute('/meetings', '?new=1&from=<script>')).toEqual({ name: 'meetings', start: {} });
    expect(parseRoute('/meetings')).toEqual({ name: 'meetings' });
    expect(parseRoute(`/meetings/${MEETING_ID}`)).toEqual({ name: 'meeting', meetingId: MEETING_ID, minutes: false });
    expect(parseRoute(`/meetings/${MEETING_ID}/minutes`)).toEqual({ name: 'meeting', meetingId: MEETING_ID, minutes: true });
    expect(parseRoute('/todos')).toEqual({ name: 'todos' });
  });
});

describe('an invitation', () => {
  test('arrives in real time with 「参加する」 and 「後で」; joining asks the server and opens the meeting', async () => {
    office(SATO);
    const calls = serve(({ path }) => (path.endsWith('/join') ? meeting() : undefined));
    render(<MeetingAlerts />);
    deliver('meeting:invited', { meeting: meeting({ participants: [] }), invitedBy: YAMADA.id });
    const notice = await screen.findByTestId('meeting-invited');
    expect(notice.textContent).toContain('山田 太郎さんから打ち合わせ「窓口の混雑対策」への招待');
    fireEvent.click(screen.getByRole('button', { name: '参加する' }));
    await waitFor(() => expect(location.pathname).toBe(`/meetings/${MEETING_ID}`));
    expect(calls).toEqual([{ method: 'POST', path: `/api/meetings/${MEETING_ID}/join`, body: {} }]);
    expect(screen.queryByTestId('meeting-invited')).toBeNull();
  });

  test('「後で」 puts it away without joining', async () => {
    office(SATO);
    const calls = serve(() => undefined);
    render(<MeetingAlerts />);
    deliver('meeting:invited', { meeting: meeting(), invitedBy: YAMADA.id });
    fireEvent.click(await screen.findByRole('button', { name: '後で' }));
    expect(screen.queryByTestId('meeting-invited')).toBeNull();
    expect(calls).toEqual([]);
  });

  test('one sent while the meetings code was still loading is shown once it has loaded', async () => {
    office(SATO);
    deliver('meeting:invited', { meeting: meeting(), invitedBy: YAMADA.id });
    render(<MeetingAlerts />);
    expect((await screen.findByTestId('meeting-invited')).textContent).toContain('窓口の混雑対策');
  });

  test('a scheduled meeting that starts without me brings a reminder once, not at every later change', async () => {
    office(SUZUKI);
    render(<MeetingAlerts />);
    const createdAt = new Date(Date.now() - 3_600_000).toISOString();
    const started = meeting({ createdAt, startsAt: new Date().toISOString() });
    deliver('meeting:updated', { meeting: started });
    expect((await screen.findByTestId('meeting-reminder')).textContent).toContain('予定の打ち合わせ「窓口の混雑対策」が始まりました');
    fireEvent.click(screen.getByRole('button', { name: '後で' }));
    deliver('meeting:updated', { meeting: { ...started, agendaDone: [true, false] } });
    expect(screen.queryByTestId('meeting-reminder')).toBeNull();
  });

  test('a meeting started on the spot reminds no one (the invitation said it all)', async () => {
    office(SUZUKI);
    render(<MeetingAlerts />);
    deliver('meeting:updated', { meeting: meeting() });
    await act(async () => {});
    expect(screen.queryByTestId('meeting-reminder')).toBeNull();
  });
});

describe('the start dialog', () => {
  const created = (body: Record<string, unknown>): Meeting =>
    meeting({ ...(body as Partial<Meeting>), participants: [{ userId: YAMADA.id, spans: [], joined: false }] });

  test('started from a conversation: its members are invited, 15 minutes by default, and the host joins at once', async () => {
    const calls = serve(({ method, path, body }) =>
      method === 'POST' && path === '/api/meetings' ? created(body as Record<string, unknown>) : path.endsWith('/join') ? meeting() : undefined,
    );
    render(<StartMeetingDialog fromConversationId={GROUP_ID} onClose={() => {}} />);
    const chips = screen.getByTestId('meeting-selected');
    expect(chips.textContent).toContain('佐藤 花子');
    expect(chips.textContent).toContain('鈴木 一郎');
    expect(chips.textContent).not.toContain('山田 太郎');
    expect((screen.getByTestId('meeting-duration-15') as HTMLInputElement).checked).toBe(true);

    fireEvent.change(screen.getByLabelText('件名(必須)'), { target: { value: '窓口の混雑対策' } });
    fireEvent.click(screen.getByRole('button', { name: '議題を追加' }));
    fireEvent.change(screen.getByLabelText('議題 1'), { target: { value: '現状の共有' } });
    fireEvent.click(screen.getByRole('button', { name: '議題を追加' }));
    fireEvent.change(screen.getByLabelText('議題 2'), { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: '開始する' }));

    await waitFor(() => expect(location.pathname).toBe(`/meetings/${MEETING_ID}`));
    expect(calls[0]).toEqual({
      method: 'POST',
      path: '/api/meetings',
      body: { topic: '窓口の混雑対策', memberIds: [SATO.id, SUZUKI.id], durationMin: 15, agenda: ['現状の共有'], fromConversationId: GROUP_ID },
    });
    expect(calls[1]).toMatchObject({ method: 'POST', path: `/api/meetings/${MEETING_ID}/join` });
  });

  test('a topic is required: nothing is sent without one', async () => {
    const calls = serve(() => undefined);
    render(<StartMeetingDialog withUserId={SATO.id} onClose={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: '開始する' }));
    expect((await screen.findByRole('alert')).textContent).toBe('件名を入力してください。');
    expect(calls).toEqual([]);
  });

  test('people are found by kana reading, in katakana or hiragana', () => {
    serve(() => undefined);
    render(<StartMeetingDialog onClose={() => {}} />);
    fireEvent.change(screen.getByTestId('meeting-people-search'), { target: { value: 'スズキ' } });
    const options = screen.getAllByTestId('meeting-person-option');
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('鈴木 一郎')]);
    fireEvent.click(options[0]!.querySelector('input')!);
    expect(screen.getByTestId('meeting-selected').textContent).toContain('鈴木 一郎');
  });

  test('a meeting for later is sent with its start time, a time box and the person from the card', async () => {
    const calls = serve(({ body }) => created({ ...(body as Record<string, unknown>), state: 'scheduled' }));
    render(<StartMeetingDialog withUserId={SATO.id} onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText('件名(必須)'), { target: { value: '来週の当番' } });
    fireEvent.click(screen.getByTestId('meeting-duration-30'));
    fireEvent.click(screen.getByTestId('meeting-when-later'));
    const at = new Date(Date.now() + 2 * 3_600_000);
    at.setSeconds(0, 0);
    const p = (n: number) => String(n).padStart(2, '0');
    const local = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}`;
    fireEvent.change(screen.getByTestId('meeting-starts-at'), { target: { value: local } });
    fireEvent.click(screen.getByRole('button', { name: '予約する' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.body).toEqual({ topic: '来週の当番', memberIds: [SATO.id], durationMin: 30, startsAt: at.toISOString() });
  });

  test('Enter that confirms an IME conversion in the topic neither submits nor adds anything', () => {
    const calls = serve(() => undefined);
    render(<StartMeetingDialog withUserId={SATO.id} onClose={() => {}} />);
    const topic = screen.getByLabelText('件名(必須)');
    fireEvent.change(topic, { target: { value: 'かいぎ' } });
    const enter = new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true, isComposing: true });
    topic.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect(calls).toEqual([]);
  });
});

describe('the ways in', () => {
  test('a person card in the directory starts a meeting with that person', () => {
    render(<PersonCard user={SATO} presence={undefined} departmentName="情報政策課" isMe={false} />);
    const start = screen.getByRole('link', { name: '打ち合わせを始める: 佐藤 花子' });
    fireEvent.click(start);
    expect(location.pathname + location.search).toBe(`/meetings?new=1&with=${SATO.id}`);
  });
});

describe('my meetings', () => {
  test('running now first, then upcoming or past on their tab; the search waits for the IME and for a pause', async () => {
    const calls = serve(({ path }) => ({
      meetings: path.includes('state=running') ? [meeting()] : path.includes('state=ended') ? [meeting({ id: 'e'.repeat(24), topic: '前回の振り返り', state: 'ended' })] : [],
    }));
    render(<MeetingsList />);
    expect((await screen.findAllByTestId('meeting-item')).map((li) => li.querySelector('a')!.textContent)).toEqual(['窓口の混雑対策']);
    expect(screen.getByRole('tab', { name: '開催中' }).getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByRole('tab', { name: '過去' }));
    await waitFor(() => expect(screen.getAllByTestId('meeting-item').map((li) => li.querySelector('a')!.textContent)).toEqual(['前回の振り返り']));

    const search = screen.getByRole('searchbox', { name: '件名・参加者で検索' });
    fireEvent.compositionStart(search);
    fireEvent.input(search, { target: { value: 'まどぐ' }, isComposing: true });
    // Longer than the pause the search waits for: still nothing asked mid-conversion.
    await act(() => new Promise((r) => setTimeout(r, 500)));
    expect(calls.some((c) => c.path.includes('q='))).toBe(false);
    fireEvent.input(search, { target: { value: '窓口' }, isComposing: true });
    fireEvent.compositionEnd(search);
    await waitFor(() => expect(calls.at(-1)!.path).toBe(`/api/meetings?state=ended&q=${encodeURIComponent('窓口')}`));
    expect(calls.some((c) => c.path.includes(encodeURIComponent('まどぐ')))).toBe(false);
  });
});
