import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { CommandLog } from '../support/command-log.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The database commands on the path a sender waits for (emit → acknowledgement), counted through
// the driver's command monitoring. Activity writes are held back for a long window here so that
// only the send path shows; conversation-activity.test.ts covers them.
let t: TestServer;
let log: CommandLog;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let aliceSocket: ClientSocket;

beforeAll(async () => {
  t = await startTestServer({ config: { CONVERSATION_ACTIVITY_FLUSH_MS: 60_000 } });
  log = new CommandLog(t.server.services.conn.getClient(), ['messages', 'conversations', 'users', 'readmarks']);
  ({ people: [alice, bob, carol] } = await createTeam(t.url, 3));
  aliceSocket = await t.connect(alice);
});
afterAll(() => t.stop());

let n = 0;
const send = (socket: ClientSocket, conversationId: string, body = `本文 ${++n}`, clientMsgId = `cmd-test-${++n}`) =>
  emitAck(socket, 'message:send', { conversationId, clientMsgId, body });

describe('database commands of a send', () => {
  it('the first send to a conversation in this process reads its members and its last seq once, then inserts', async () => {
    const conv = await createConversation(alice, 'group', [bob], '初回');
    let ack: any;
    const commands = await log.during(async () => (ack = await send(aliceSocket, conv.id)));
    expect(ack.ok).toBe(true);
    expect(commands).toEqual(['find conversations', 'find messages', 'insert messages']);
  });

  it('a steady-state send is one command, the insert: no read before it and no write the sender waits for after it', async () => {
    const conv = await createConversation(alice, 'group', [bob], '定常');
    await send(aliceSocket, conv.id);
    const bobSocket = await t.connect(bob);
    const events = new EventLog(bobSocket, 'message:new', messageNewEventSchema);
    for (let i = 0; i < 3; i++) {
      let ack: any;
      const commands = await log.during(async () => (ack = await send(aliceSocket, conv.id)));
      expect(ack.ok).toBe(true);
      expect(ack.message.seq).toBe(i + 2);
      expect(commands).toEqual(['insert messages']);
    }
    await events.until((e) => e.length === 3);
    expect(events.events.map((e) => e.message.seq)).toEqual([2, 3, 4]);
  });

  it('a burst of sends to a cold conversation reads its members and last seq once between them', async () => {
    const conv = await createConversation(alice, 'group', [bob], '一斉');
    const commands = await log.during(() => Promise.all(Array.from({ length: 10 }, () => send(aliceSocket, conv.id))));
    expect(commands.filter((c) => c === 'find conversations')).toHaveLength(1);
    expect(commands.filter((c) => c === 'find messages')).toHaveLength(1);
    expect(commands.filter((c) => c === 'insert messages')).toHaveLength(10);
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a retry is the refused insert plus one read of the stored copy, and broadcasts nothing', async () => {
    const conv = await createConversation(alice, 'group', [bob], '再送');
    const bobSocket = await t.connect(bob);
    const events = new EventLog(bobSocket, 'message:new', messageNewEventSchema);
    const first = await send(aliceSocket, conv.id, '一度だけ', 'cmd-retry-0001');
    let again: any;
    const commands = await log.during(async () => (again = await send(aliceSocket, conv.id, '一度だけ', 'cmd-retry-0001')));
    expect(again).toEqual(first);
    expect(commands).toEqual(['insert messages', 'find messages']);
    await settle(bobSocket);
    expect(events.events).toHaveLength(1);
    // The retry used no seq: the next message follows directly, with no read before its insert.
    let next: any;
    expect(await log.during(async () => (next = await send(aliceSocket, conv.id)))).toEqual(['insert messages']);
    expect(next.message.seq).toBe(2);
  });

  it('a retry with a different body is refused as conflict after one read, and keeps the stored message', async () => {
    const conv = await createConversation(alice, 'group', [bob], '衝突');
    await send(aliceSocket, conv.id, '元の文', 'cmd-conflict-01');
    let again: any;
    const commands = await log.during(async () => (again = await send(aliceSocket, conv.id, '書き換え', 'cmd-conflict-01')));
    expect(again).toEqual({ ok: false, error: { code: 'conflict', message: expect.any(String) } });
    expect(commands).toEqual(['insert messages', 'find messages']);
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['元の文']);
  });

  it("a non-member's send is refused from the cached membership without a database command", async () => {
    const conv = await createConversation(alice, 'group', [bob], '部外者');
    await send(aliceSocket, conv.id);
    const carolSocket = await t.connect(carol);
    let refused: any;
    const commands = await log.during(async () => (refused = await send(carolSocket, conv.id)));
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(commands).toEqual([]);
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages).toHaveLength(1);
  });

  it('a send that mentions someone also reads the members once, to resolve @loginId', async () => {
    const conv = await createConversation(alice, 'group', [bob], 'メンション');
    await send(aliceSocket, conv.id);
    let ack: any;
    const commands = await log.during(async () => (ack = await send(aliceSocket, conv.id, `@${bob.user.loginId} 確認お願いします`)));
    expect(ack.message.mentions).toEqual([bob.user.id]);
    expect(commands).toEqual(['find users', 'insert messages']);
  });
});
