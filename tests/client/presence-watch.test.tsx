// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import type { User } from '../../shared/schemas/auth.js';
import type { Conversation } from '../../shared/schemas/conversations.js';
import { PRESENCE_WATCH_MAX } from '../../shared/schemas/presence.js';
import { appStore, initialState, type AppState } from '../../client/src/app/state';

// The socket is the network edge: record what would go over it, answer as the server does.
const net = vi.hoisted(() => ({
  sent: [] as string[][],
  connectListeners: new Set<() => void>(),
  connected: true,
  /** The next this many watches are answered with this error. */
  failures: 0,
  failure: 'unavailable',
}));
vi.mock('../../client/src/net/socket', () => ({
  isConnected: () => net.connected,
  onConnected: (listener: () => void) => {
    net.connectListeners.add(listener);
    return () => net.connectListeners.delete(listener);
  },
  emitPresenceWatch: async (userIds: readonly string[]) => {
    net.sent.push([...userIds]);
    if (net.failures > 0) {
      net.failures -= 1;
      return { ok: false, error: { code: net.failure, message: 'no acknowledgement' } };
    }
    return { ok: true, presences: userIds.map((userId) => ({ userId, presence: { state: 'in_office', availability: 'available' } })) };
  },
  emitSend: vi.fn(),
}));

const { RETRY_MAX_MS, RETRY_MS, WATCH_MAX, registerShown, startPresenceWatch, watchedPeople } = await import('../../client/src/presence/watch');
const { Directory } = await import('../../client/src/directory/Directory');

const id = (n: number, prefix = 'a') => `${prefix}${n.toString(16).padStart(23, '0')}`;
const person = (n: number, name: string, kana: string): User => ({
  id: id(n),
  loginId: `user${n}`,
  staffNo: `S${n}`,
  name,
  nameKana: kana,
  departmentId: 'd'.repeat(24),
  role: 'staff',
});
const ME = person(0, '自分', 'じぶん');
const conversation = (n: number, kind: Conversation['kind'], memberIds: string[], lastAt: string): Conversation => ({
  id: id(n, 'c'),
  kind,
  title: kind === 'dm' ? '' : `会議 ${n}`,
  memberIds,
  lastSeq: 1,
  unreadCount: 0,
  myLastReadSeq: 1,
  readSeqs: {},
  createdAt: '2026-04-01T00:00:00.000Z',
  lastMessage: { id: id(n, 'e'), conversationId: id(n, 'c'), seq: 1, senderId: memberIds[0]!, body: '…', clientMsgId: `client-${n}-0001`, createdAt: lastAt, mentions: [] },
});

describe('the watched set', () => {
  const state = (conversations: Conversation[]): Pick<AppState, 'me' | 'conversations'> => ({
    me: ME,
    conversations: Object.fromEntries(conversations.map((c) => [c.id, c])),
  });

  test('is me, then what screens show (latest first), then direct-message partners, then other members, by activity', () => {
    const s = state([
      conversation(1, 'group', [ME.id, id(10), id(11)], '2026-04-01T09:00:00Z'),
      conversation(2, 'dm', [ME.id, id(20)], '2026-04-01T08:00:00Z'),
      conversation(3, 'dm', [ME.id, id(30)], '2026-04-01T10:00:00Z'),
      conversation(4, 'channel', [ME.id, id(40)], '2026-04-01T11:00:00Z'),
    ]);
    expect(watchedPeople(s, [[id(50), id(51)], [id(60)]])).toEqual([ME.id, id(60), id(50), id(51), id(30), id(20), id(40), id(10), id(11)]);
  });

  test('names each person once', () => {
    const s = state([conversation(1, 'dm', [ME.id, id(10)], '2026-04-01T09:00:00Z'), conversation(2, 'group', [ME.id, id(10), id(11)], '2026-04-01T10:00:00Z')]);
    expect(watchedPeople(s, [[id(11), ME.id]])).toEqual([ME.id, id(11), id(10)]);
  });

  test(`stops at the server's limit of ${PRESENCE_WATCH_MAX}, keeping the most relevant`, () => {
    expect(WATCH_MAX).toBe(PRESENCE_WATCH_MAX);
    const crowd = Array.from({ length: 1500 }, (_, i) => id(1000 + i));
    const s = state([conversation(1, 'dm', [ME.id, id(10)], '2026-04-01T09:00:00Z'), conversation(2, 'channel', [ME.id, ...crowd], '2026-04-01T10:00:00Z')]);
    const watched = watchedPeople(s, [[id(50)]]);
    expect(watched).toHaveLength(PRESENCE_WATCH_MAX);
    expect(watched.slice(0, 3)).toEqual([ME.id, id(50), id(10)]);
  });

  test('is empty before sign-in', () => {
    expect(watchedPeople({ me: null, conversations: {} }, [])).toEqual([]);
  });
});

describe('following what is shown', () => {
  let stop: () => void = () => {};
  const people = [person(1, '青木 一郎', 'あおき いちろう'), person(2, '石井 二郎', 'いしい じろう'), person(3, '上田 三郎', 'うえだ さぶろう')];
  beforeEach(() => {
    net.sent.length = 0;
    net.connected = true;
    appStore.set(() => ({ ...initialState(), me: ME, users: Object.fromEntries([ME, ...people].map((u) => [u.id, u])) }));
    stop = startPresenceWatch();
  });
  afterEach(() => {
    stop();
    cleanup();
  });
  const lastSent = () => net.sent.at(-1) ?? [];

  test('sends the set at start, the directory page while it is open, the search results as they change, and nothing more once closed', async () => {
    expect(lastSent()).toEqual([ME.id]);
    const view = render(<Directory />);
    await waitFor(() => expect([...lastSent()].sort()).toEqual([ME.id, ...people.map((p) => p.id)].sort()));
    fireEvent.change(view.getByTestId('directory-search'), { target: { value: 'いしい' } });
    await waitFor(() => expect(lastSent()).toEqual([ME.id, people[1]!.id]));
    view.unmount();
    await waitFor(() => expect(lastSent()).toEqual([ME.id]));
  });

  test('sends the whole set again on every reconnect, and puts the acknowledged presences in the store', async () => {
    const unregister = registerShown([people[0]!.id]);
    await waitFor(() => expect(lastSent()).toEqual([ME.id, people[0]!.id]));
    const count = net.sent.length;
    act(() => {
      for (const listener of net.connectListeners) listener();
    });
    await waitFor(() => expect(net.sent.length).toBe(count + 1));
    expect(lastSent()).toEqual([ME.id, people[0]!.id]);
    await waitFor(() => expect(appStore.get().presence[people[0]!.id]).toEqual({ state: 'in_office', availability: 'available' }));
    unregister();
  });

  test('sends an unanswered or unavailable watch again by itself, waiting longer each time, until it is answered', async () => {
    await waitFor(() => expect(lastSent()).toEqual([ME.id]));
    vi.useFakeTimers();
    // The retry's jitter at its middle: exactly RETRY_MS.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      net.failures = 2;
      act(() => appStore.set((st) => ({ ...st, presence: {} })));
      const count = net.sent.length;
      act(() => {
        for (const listener of net.connectListeners) listener();
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(net.sent.length).toBe(count + 1);
      // Nothing changed on screen: only the retry sends it again, twice (the second failure too).
      await vi.advanceTimersByTimeAsync(RETRY_MS - 1);
      expect(net.sent.length).toBe(count + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(net.sent.length).toBe(count + 2);
      expect(appStore.get().presence[ME.id]).toBeUndefined();
      // The second wait is twice as long.
      await vi.advanceTimersByTimeAsync(2 * RETRY_MS - 1);
      expect(net.sent.length).toBe(count + 2);
      await vi.advanceTimersByTimeAsync(1);
      expect(net.sent.length).toBe(count + 3);
      expect(appStore.get().presence[ME.id]).toEqual({ state: 'in_office', availability: 'available' });
      // Answered: no more retries.
      await vi.advanceTimersByTimeAsync(RETRY_MS * 5);
      expect(net.sent.length).toBe(count + 3);
    } finally {
      random.mockRestore();
      vi.useRealTimers();
    }
  });

  test('does not retry a watch the server refused as malformed', async () => {
    await waitFor(() => expect(lastSent()).toEqual([ME.id]));
    vi.useFakeTimers();
    try {
      net.failures = 1;
      net.failure = 'bad_request';
      const count = net.sent.length;
      act(() => {
        for (const listener of net.connectListeners) listener();
      });
      await vi.advanceTimersByTimeAsync(RETRY_MAX_MS * 2);
      expect(net.sent.length).toBe(count + 1);
    } finally {
      net.failure = 'unavailable';
      vi.useRealTimers();
    }
  });

  test('adds the members of a conversation that joins the list', async () => {
    await waitFor(() => expect(lastSent()).toEqual([ME.id]));
    act(() => appStore.set((s) => ({ ...s, conversations: { [id(9, 'c')]: conversation(9, 'dm', [ME.id, people[2]!.id], '2026-04-01T09:00:00Z') } })));
    await waitFor(() => expect(lastSent()).toEqual([ME.id, people[2]!.id]));
  });
});
