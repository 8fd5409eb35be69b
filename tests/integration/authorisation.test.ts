import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema, typingEventSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let mallory: SignedIn;
let conv: { id: string };

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, mallory] } = await createTeam(t.url, 3));
  conv = await createConversation(alice, 'dm', [bob]);
});
afterAll(() => t.stop());

const open = (who: SignedIn) => t.connect(who);

describe('only members', () => {
  it('a non-member cannot read the conversation or its history (403)', async () => {
    for (const path of [`/api/conversations/${conv.id}`, `/api/conversations/${conv.id}/messages`]) {
      const res = await mallory.api.get(path);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const list = await mallory.api.get('/api/conversations');
    expect(list.body.map((c: { id: string }) => c.id)).not.toContain(conv.id);
  });

  it('a non-member cannot send, mark read or signal typing, and nothing reaches the members', async () => {
    const bobSocket = await open(bob);
    const bobMessages = new EventLog(bobSocket, 'message:new', messageNewEventSchema);
    const bobTyping = new EventLog(bobSocket, 'typing', typingEventSchema);
    const m = await open(mallory);
    const send = await emitAck(m, 'message:send', { conversationId: conv.id, clientMsgId: 'intruder-01', body: '侵入' });
    expect(send).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    const read = await emitAck(m, 'conversation:read', { conversationId: conv.id, seq: 1 });
    expect(read.ok).toBe(false);
    expect(read.error.code).toBe('forbidden');
    m.emit('typing', { conversationId: conv.id, typing: true });
    await settle(m);
    await settle(bobSocket);
    expect(bobMessages.events).toEqual([]);
    expect(bobTyping.events).toEqual([]);
    expect((await bob.api.get(`/api/conversations/${conv.id}/messages`)).body.messages).toEqual([]);
  });

  it('an unknown conversation is 404, not a hint about others', async () => {
    const res = await mallory.api.get('/api/conversations/aaaaaaaaaaaaaaaaaaaaaaaa/messages');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('typing reaches the other members, not the typist', async () => {
    const bobTyping = new EventLog(await open(bob), 'typing', typingEventSchema);
    const aliceTab = new EventLog(await open(alice), 'typing', typingEventSchema);
    const a = await open(alice);
    a.emit('typing', { conversationId: conv.id, typing: true });
    const [event] = await bobTyping.until((e) => e.length === 1);
    expect(event).toEqual({ conversationId: conv.id, userId: alice.user.id, typing: true });
    await settle(a);
    expect(aliceTab.events).toEqual([]);
  });
});

describe('identity comes from the session', () => {
  it('ignores a forged senderId in the payload', async () => {
    const a = await open(alice);
    const ack = await emitAck(a, 'message:send', { conversationId: conv.id, clientMsgId: 'forged-0001', body: '本人です', senderId: bob.user.id });
    expect(ack.ok).toBe(true);
    expect(ack.message.senderId).toBe(alice.user.id);
    const history = await bob.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.at(-1)).toMatchObject({ clientMsgId: 'forged-0001', senderId: alice.user.id });
  });

  it('puts the creator into every conversation they create, and refuses one with only themselves', async () => {
    const res = await alice.api.post('/api/conversations', { kind: 'group', memberIds: [bob.user.id, mallory.user.id] });
    expect(res.body.memberIds).toContain(alice.user.id);
    const alone = await alice.api.post('/api/conversations', { kind: 'group', memberIds: [alice.user.id] });
    expect(alone.status).toBe(400);
  });

  it('lets only supervisors and admins open a channel', async () => {
    const res = await alice.api.post('/api/conversations', { kind: 'channel', memberIds: [bob.user.id], title: '全体' });
    expect(res.status).toBe(403);
  });
});
