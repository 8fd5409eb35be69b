import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Conversation } from '../../shared/schemas/conversations.js';
import { appStore, initialState } from '../../client/src/app/state';
import { loadAfterSignIn } from '../../client/src/net/sync';

const ME = 'a'.repeat(24);
const CONV = 'c'.repeat(24);
const conversation: Conversation = {
  id: CONV,
  kind: 'group',
  title: '窓口係',
  memberIds: [ME, 'b'.repeat(24)],
  lastSeq: 0,
  unreadCount: 0,
  myLastReadSeq: 0,
  readSeqs: {},
  createdAt: '2026-12-01T00:00:00.000Z',
};
const me = { id: ME, loginId: 'me', staffNo: 'S1', name: '自分', nameKana: 'じぶん', departmentId: 'd'.repeat(24), role: 'staff' as const };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  appStore.set(() => initialState());
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('after signing in, while the server is briefly unable to serve', () => {
  test('the conversation list is asked for again (with backoff) until it comes, instead of staying empty', async () => {
    vi.useFakeTimers();
    appStore.set((s) => ({ ...s, me }));
    let listCalls = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.startsWith('/api/conversations')) {
        listCalls += 1;
        return listCalls <= 2 ? json(503, { error: { code: 'unavailable', message: 'the database is not answering' } }) : json(200, [conversation]);
      }
      return json(200, { version: '1', users: [me], departments: [] });
    });
    loadAfterSignIn();
    await vi.advanceTimersByTimeAsync(0);
    expect(listCalls).toBe(1);
    expect(appStore.get().conversations[CONV]).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(listCalls).toBe(3);
    expect(appStore.get().conversations[CONV]?.title).toBe('窓口係');
    expect(appStore.get().users[ME]?.name).toBe('自分');
  });

  test('it stops trying once the person is no longer signed in, and never retries a refusal', async () => {
    vi.useFakeTimers();
    appStore.set((s) => ({ ...s, me }));
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls += 1;
      return json(503, { error: { code: 'unavailable', message: 'down' } });
    });
    loadAfterSignIn();
    await vi.advanceTimersByTimeAsync(0);
    const first = calls;
    appStore.set(() => initialState()); // signed out
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(first);

    appStore.set((s) => ({ ...s, me }));
    calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls += 1;
      return json(403, { error: { code: 'forbidden', message: 'no' } });
    });
    loadAfterSignIn();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2); // the list and the directory once each: a refusal is not retried
  });
});
