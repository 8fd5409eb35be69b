import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readersSchema } from '../../shared/schemas/mentions.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { CommandLog } from '../support/command-log.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let dave: SignedIn;
let stranger: SignedIn;
const sockets: ClientSocket[] = [];

async function open(who: SignedIn): Promise<ClientSocket> {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, carol, dave, stranger] } = await createTeam(t.url, 5));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

describe('GET /api/messages/:id/readers (既読 with names)', () => {
  it('splits the members other than the sender by whether their read mark reached the message', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol, dave], '既読一覧');
    const as = await open(alice);
    const first = await emitAck(as, 'message:send', { conversationId: conv.id, clientMsgId: 'readers-0001', body: '一つ目' });
    const second = await emitAck(as, 'message:send', { conversationId: conv.id, clientMsgId: 'readers-0002', body: '二つ目' });
    await emitAck(await open(bob), 'conversation:read', { conversationId: conv.id, seq: 2 });
    await emitAck(await open(carol), 'conversation:read', { conversationId: conv.id, seq: 1 });

    const one = await alice.api.get(`/api/messages/${first.message.id}/readers`);
    expect(one.status).toBe(200);
    const r1 = readersSchema.parse(one.body);
    expect(r1.read.sort()).toEqual([bob.user.id, carol.user.id].sort());
    expect(r1.unread).toEqual([dave.user.id]);

    const two = readersSchema.parse((await alice.api.get(`/api/messages/${second.message.id}/readers`)).body);
    expect(two.read).toEqual([bob.user.id]);
    expect(two.unread.sort()).toEqual([carol.user.id, dave.user.id].sort());
    // Any member may ask, not only the sender; the sender is in neither list.
    const asDave = readersSchema.parse((await dave.api.get(`/api/messages/${second.message.id}/readers`)).body);
    expect(asDave).toEqual(two);
    expect([...two.read, ...two.unread]).not.toContain(alice.user.id);
  });

  it('refuses a non-member (403) and an unknown message (404), and bad ids (400)', async () => {
    const conv = await createConversation(alice, 'group', [bob], '秘密');
    const as = await open(alice);
    const sent = await emitAck(as, 'message:send', { conversationId: conv.id, clientMsgId: 'readers-0003', body: '内緒' });
    const refused = await stranger.api.get(`/api/messages/${sent.message.id}/readers`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(JSON.stringify(refused.body)).not.toContain(bob.user.id);
    const unknown = await alice.api.get('/api/messages/0123456789abcdef01234567/readers');
    expect(unknown.status).toBe(404);
    const bad = await alice.api.get('/api/messages/nope/readers');
    expect(bad.status).toBe(400);
  });

  it('costs one read of messages and one of read marks, whatever the number of members', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol, dave], '費用');
    const as = await open(alice);
    const sent = await emitAck(as, 'message:send', { conversationId: conv.id, clientMsgId: 'readers-0004', body: '数える' });
    await alice.api.get(`/api/messages/${sent.message.id}/readers`); // warms the session and membership caches
    // The send's coalesced activity write is not the readers' cost: let it land before counting.
    await t.server.services.conversations.flushActivity();
    const log = new CommandLog(t.server.services.conn.getClient(), ['messages', 'conversations', 'readmarks', 'users']);
    let status = 0;
    const commands = await log.during(async () => (status = (await alice.api.get(`/api/messages/${sent.message.id}/readers`)).status));
    expect(status).toBe(200);
    expect(commands.sort()).toEqual(['find messages', 'find readmarks']);
  });
});
