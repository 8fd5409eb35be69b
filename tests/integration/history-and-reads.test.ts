import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationReadEventSchema, conversationSchema, type Conversation } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let conv: { id: string };
let aliceSocket: ClientSocket;
let bobSocket: ClientSocket;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, carol] } = await createTeam(t.url, 3));
  conv = await createConversation(alice, 'group', [bob, carol], '履歴');
  aliceSocket = await connectSocket(t.url, alice.token);
  bobSocket = await connectSocket(t.url, bob.token);
  for (let i = 1; i <= 120; i++) {
    await emitAck(i % 3 === 0 ? bobSocket : aliceSocket, 'message:send', { conversationId: conv.id, clientMsgId: `history-${i}`, body: `本文 ${i}` });
  }
});
afterAll(async () => {
  aliceSocket.close();
  bobSocket.close();
  await t.stop();
});

const seqs = (body: { messages: { seq: number }[] }) => body.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('history paging', () => {
  it('gives the latest 50 by default, ascending, with hasMore', async () => {
    const page = await carol.api.get(`/api/conversations/${conv.id}/messages`);
    expect(seqs(page.body)).toEqual(range(71, 120));
    expect(page.body.hasMore).toBe(true);
  });

  it('pages backwards with before and forwards with after', async () => {
    const older = await carol.api.get(`/api/conversations/${conv.id}/messages?before=71&limit=60`);
    expect(seqs(older.body)).toEqual(range(11, 70));
    expect(older.body.hasMore).toBe(true);
    const oldest = await carol.api.get(`/api/conversations/${conv.id}/messages?before=11&limit=60`);
    expect(seqs(oldest.body)).toEqual(range(1, 10));
    expect(oldest.body.hasMore).toBe(false);

    const missed = await carol.api.get(`/api/conversations/${conv.id}/messages?after=100&limit=15`);
    expect(seqs(missed.body)).toEqual(range(101, 115));
    expect(missed.body.hasMore).toBe(true);
    const rest = await carol.api.get(`/api/conversations/${conv.id}/messages?after=115`);
    expect(seqs(rest.body)).toEqual(range(116, 120));
    expect(rest.body.hasMore).toBe(false);

    const between = await carol.api.get(`/api/conversations/${conv.id}/messages?after=5&before=9`);
    expect(seqs(between.body)).toEqual([6, 7, 8]);
  });

  it('refuses a limit above 200 or below 1, and non-numeric bounds', async () => {
    for (const q of ['limit=201', 'limit=0', 'after=-1', 'before=abc', 'limit=1e3', 'after=1&after=2']) {
      const res = await carol.api.get(`/api/conversations/${conv.id}/messages?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });
});

describe('unread counts and read marks', () => {
  it('counts messages from others after the read mark, and events keep a client in sync with a fresh fetch', async () => {
    // The sends' activity times are written a moment later: let them land before the snapshot.
    await t.server.services.conversations.flushActivity();
    const before = conversationSchema.parse((await carol.api.get(`/api/conversations/${conv.id}`)).body);
    expect(before.unreadCount).toBe(120);
    expect(before.myLastReadSeq).toBe(0);

    // Zulip's verify_action: snapshot, act, apply the events the client got, compare with a fresh fetch.
    const bobView = conversationSchema.parse((await bob.api.get(`/api/conversations/${conv.id}`)).body);
    expect(bobView.unreadCount).toBe(80); // his own 40 messages never count
    const log = new EventLog(bobSocket, 'conversation:read', conversationReadEventSchema);
    const carolSocket = await connectSocket(t.url, carol.token);
    expect(await emitAck(carolSocket, 'conversation:read', { conversationId: conv.id, seq: 90 })).toEqual({ ok: true });
    const [event] = await log.until((e) => e.length === 1);
    expect(event).toEqual({ conversationId: conv.id, userId: carol.user.id, seq: 90 });
    const applied: Conversation = { ...bobView, readSeqs: { ...bobView.readSeqs, [event!.userId]: event!.seq } };
    expect((await bob.api.get(`/api/conversations/${conv.id}`)).body).toEqual(applied);

    const after = (await carol.api.get(`/api/conversations/${conv.id}`)).body;
    expect(after.myLastReadSeq).toBe(90);
    expect(after.unreadCount).toBe(30);
    carolSocket.close();
  });

  it('never moves a read mark backwards, and caps it at the last message', async () => {
    const s = await connectSocket(t.url, carol.token);
    await emitAck(s, 'conversation:read', { conversationId: conv.id, seq: 100 });
    expect(await emitAck(s, 'conversation:read', { conversationId: conv.id, seq: 3 })).toEqual({ ok: true });
    expect((await carol.api.get(`/api/conversations/${conv.id}`)).body.myLastReadSeq).toBe(100);
    await emitAck(s, 'conversation:read', { conversationId: conv.id, seq: 999_999 });
    const now = (await carol.api.get(`/api/conversations/${conv.id}`)).body;
    expect(now.myLastReadSeq).toBe(120);
    expect(now.unreadCount).toBe(0);
    s.close();
  });
});
