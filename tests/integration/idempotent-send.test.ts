import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob] } = await createTeam(t.url, 2));
});
afterAll(() => t.stop());

const open = (who: SignedIn) => t.connect(who);

describe('retrying a send', () => {
  it('stores and broadcasts once when the acknowledgement was lost and the client retries on a new connection', async () => {
    const conv = await createConversation(alice, 'dm', [bob]);
    const bobSocket = await open(bob);
    const bobLog = new EventLog(bobSocket, 'message:new', messageNewEventSchema);
    const payload = { conversationId: conv.id, clientMsgId: 'retry-abc-123', body: '資料を送ります' };

    // First attempt: the message is sent, then the connection drops before the ack is read.
    const first = await open(alice);
    first.emit('message:send', payload, () => {});
    await bobLog.until((e) => e.length === 1);
    first.close();

    const retry = await emitAck(await open(alice), 'message:send', payload);
    expect(retry.ok).toBe(true);
    expect(retry.message.seq).toBe(1);
    expect(retry.message.id).toBe(bobLog.events[0]!.message.id);

    await settle(bobSocket);
    expect(bobLog.events).toHaveLength(1);
    const history = await bob.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages).toHaveLength(1);
  });

  it('stores one message when the same send arrives twice at the same moment', async () => {
    const conv = await createConversation(alice, 'group', [bob], '同時');
    const [a, b] = [await open(alice), await open(alice)];
    const payload = { conversationId: conv.id, clientMsgId: 'twice-at-once', body: '同時に二回' };
    const [x, y] = await Promise.all([emitAck(a, 'message:send', payload), emitAck(b, 'message:send', payload)]);
    expect(x.ok && y.ok).toBe(true);
    expect(x.message.id).toBe(y.message.id);
    expect((await alice.api.get(`/api/conversations/${conv.id}/messages`)).body.messages).toHaveLength(1);
  });

  it('answers conflict when the same clientMsgId comes with a different body, and keeps the stored one', async () => {
    const conv = await createConversation(alice, 'group', [bob], '衝突');
    const s = await open(alice);
    await emitAck(s, 'message:send', { conversationId: conv.id, clientMsgId: 'conflict-0001', body: '元の文' });
    const again = await emitAck(s, 'message:send', { conversationId: conv.id, clientMsgId: 'conflict-0001', body: '書き換え' });
    expect(again).toEqual({ ok: false, error: { code: 'conflict', message: expect.any(String) } });
    const elsewhere = await createConversation(alice, 'group', [bob], '別の会話');
    const moved = await emitAck(s, 'message:send', { conversationId: elsewhere.id, clientMsgId: 'conflict-0001', body: '元の文' });
    expect(moved.ok).toBe(false);
    expect(moved.error.code).toBe('conflict');
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['元の文']);
  });

  it('keeps clientMsgIds per sender: two people may use the same one', async () => {
    const conv = await createConversation(alice, 'group', [bob], '送信者ごと');
    const a = await emitAck(await open(alice), 'message:send', { conversationId: conv.id, clientMsgId: 'shared-id-01', body: 'A' });
    const b = await emitAck(await open(bob), 'message:send', { conversationId: conv.id, clientMsgId: 'shared-id-01', body: 'B' });
    expect([a.message.seq, b.message.seq]).toEqual([1, 2]);
  });
});
