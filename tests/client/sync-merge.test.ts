import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { syncAnswerSchema, type SyncAnswer } from '../../shared/schemas/sync.js';
import { appStore, initialState, type AppState } from '../../client/src/app/state';
import { conversationsLoaded, messageArrived, pageLoaded, syncApplied } from '../../client/src/conversations/apply';
import { resync } from '../../client/src/net/sync';

const ME = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);
const LOADED = 'c'.repeat(24);
const LISTED = 'd'.repeat(24);
const GONE = 'e'.repeat(24);
const ADDED = 'f'.repeat(24);

const msg = (conversationId: string, seq: number, senderId = OTHER): Message => ({
  id: `${conversationId.slice(0, 1)}${seq.toString(16).padStart(23, '0')}`,
  conversationId,
  seq,
  senderId,
  body: `本文 ${seq}`,
  clientMsgId: `client-${conversationId.slice(0, 1)}-${seq}`,
  createdAt: new Date(Date.UTC(2025, 3, 1, 0, seq)).toISOString(),
  mentions: [],
});

const conversation = (id: string, extra: Partial<Conversation> = {}): Conversation => ({
  id,
  kind: 'dm',
  title: '',
  memberIds: [ME, OTHER],
  lastSeq: 0,
  unreadCount: 0,
  myLastReadSeq: 0,
  readSeqs: { [ME]: 0, [OTHER]: 0 },
  createdAt: '2025-04-01T00:00:00.000Z',
  ...extra,
});

const me = { id: ME, loginId: 'me', staffNo: '1', name: '自分', nameKana: 'じぶん', departmentId: '0'.repeat(24), role: 'staff' as const };

/** Signed in, three conversations listed, the history of one loaded up to seq 3. */
function returningClient(): AppState {
  let s: AppState = { ...initialState(), me };
  s = conversationsLoaded(s, [
    conversation(LOADED, { lastSeq: 3, lastMessage: msg(LOADED, 3) }),
    conversation(LISTED, { lastSeq: 1, lastMessage: msg(LISTED, 1), unreadCount: 1 }),
    conversation(GONE),
  ]);
  return pageLoaded(s, LOADED, [msg(LOADED, 1), msg(LOADED, 2), msg(LOADED, 3)], false, 'latest');
}

/** What the server answers that client after it missed two messages, a read mark and a new group. */
function answer(extra: Partial<SyncAnswer> = {}): SyncAnswer {
  return syncAnswerSchema.parse({
    cursor: 'AQ',
    full: false,
    conversations: [
      conversation(LOADED, { lastSeq: 5, lastMessage: msg(LOADED, 5), unreadCount: 2, readSeqs: { [ME]: 3, [OTHER]: 5 } }),
      conversation(LISTED, { lastSeq: 2, lastMessage: msg(LISTED, 2), unreadCount: 2 }),
      conversation(ADDED, { kind: 'group', title: '新しい相談' }),
    ],
    removed: [GONE],
    messages: { [LOADED]: { messages: [msg(LOADED, 4), msg(LOADED, 5)], hasMore: false } },
    directoryVersion: '7',
    ...extra,
  });
}

describe('merging a sync answer into the store', () => {
  test('new messages join the loaded history once, changed and new conversations replace theirs, removed ones go', () => {
    const s = syncApplied(returningClient(), answer());
    expect(s.threads[LOADED]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(s.conversations[LOADED]!.lastSeq).toBe(5);
    expect(s.conversations[LOADED]!.unreadCount).toBe(2);
    expect(s.reads[LOADED]![OTHER]).toBe(5);
    expect(s.conversations[LISTED]!.lastMessage!.seq).toBe(2);
    expect(s.threads[LISTED]).toBeUndefined();
    expect(s.conversations[ADDED]!.title).toBe('新しい相談');
    expect(s.conversations[GONE]).toBeUndefined();
    expect(s.reads[GONE]).toBeUndefined();
  });

  test('applying the same answer twice changes nothing more', () => {
    const once = syncApplied(returningClient(), answer());
    const twice = syncApplied(once, answer());
    expect(twice.threads).toEqual(once.threads);
    expect(twice.conversations).toEqual(once.conversations);
    expect(twice.reads).toEqual(once.reads);
  });

  test('what live events brought while the answer was on its way is kept', () => {
    let s = returningClient();
    s = messageArrived(s, msg(LOADED, 4));
    s = messageArrived(s, msg(LOADED, 5));
    s = messageArrived(s, msg(LOADED, 6));
    s = syncApplied(s, answer());
    expect(s.threads[LOADED]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.conversations[LOADED]!.lastSeq).toBe(6);
  });

  test('a conversation not in a change set stays as it was; a full answer replaces the list', () => {
    const partial = syncApplied(returningClient(), answer({ conversations: [], removed: [], messages: {} }));
    expect(Object.keys(partial.conversations).sort()).toEqual([LOADED, LISTED, GONE].sort());
    const full = syncApplied(returningClient(), answer({ full: true, conversations: [conversation(ADDED)], removed: [], messages: {} }));
    expect(Object.keys(full.conversations)).toEqual([ADDED]);
  });
});

describe('catching up after a reconnect', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    appStore.set(() => initialState());
  });

  function server(answers: SyncAnswer[]) {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (url === '/api/sync') return Response.json(answers.shift());
      if (url === '/api/directory') return Response.json({ version: '8', users: [{ ...me, name: '改名' }], departments: [] });
      return new Response('{}', { status: 404 });
    });
    return calls;
  }

  test('is one request with the cursor and the held seqs; the directory only when its version changed, with If-None-Match', async () => {
    appStore.set(() => returningClient());
    const calls = server([answer({ cursor: 'AQAB' }), answer({ cursor: 'AQAC', conversations: [], removed: [], messages: {}, directoryVersion: '8' })]);

    await resync();
    expect(calls.map((c) => c.url)).toEqual(['/api/sync']);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ seqs: { [LOADED]: 3 }, froms: { [LOADED]: expect.any(Number) } });
    expect(appStore.get().threads[LOADED]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);

    await resync();
    expect(calls.map((c) => c.url)).toEqual(['/api/sync', '/api/sync', '/api/directory']);
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ cursor: 'AQAB', seqs: { [LOADED]: 5 }, froms: { [LOADED]: expect.any(Number) } });
    expect(new Headers(calls[2]!.init.headers).get('If-None-Match')).toBe('"dir-7"');
    expect(appStore.get().users[ME]!.name).toBe('改名');
  });
});
