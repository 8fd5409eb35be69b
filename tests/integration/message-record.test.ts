import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPageSchema } from '../../shared/schemas/record-export.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 9: an edited message's earlier text and a taken-back message's text are gone from every
// member's view but kept for the record (public-records duty), readable through the admins' export.

let t: TestServer;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
let socket: ClientSocket;
let conversationId: string;

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 2);
  admin = team.admin;
  [alice, bob] = [team.people[0]!, team.people[1]!];
  conversationId = (await createConversation(alice, 'dm', [bob])).id;
  socket = await connectSocket(t.url, alice.token);
});
afterAll(async () => {
  socket?.close();
  await t.stop();
});

describe('the record of a conversation', () => {
  it('gives admins every earlier text and the taken-back text, in seq order, which members never see', async () => {
    const first = await emitAck(socket, 'message:send', { conversationId, clientMsgId: 'record-1', body: '会議は10時です' });
    const second = await emitAck(socket, 'message:send', { conversationId, clientMsgId: 'record-2', body: '間違えて送りました' });
    expect((await emitAck(socket, 'message:edit', { messageId: first.message.id, body: '会議は11時です' })).ok).toBe(true);
    expect((await emitAck(socket, 'message:delete', { messageId: second.message.id })).ok).toBe(true);

    const seen = await bob.api.get(`/api/conversations/${conversationId}/messages`);
    expect(JSON.stringify(seen.body)).not.toContain('10時');
    expect(JSON.stringify(seen.body)).not.toContain('間違えて');

    const res = await admin.api.get(`/api/admin/conversations/${conversationId}/record`);
    expect(res.status).toBe(200);
    const record = recordPageSchema.parse(res.body);
    expect(record.hasMore).toBe(false);
    expect(record.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(record.messages[0]).toMatchObject({ body: '会議は11時です', edits: [{ body: '会議は10時です' }] });
    expect(record.messages[1]).toMatchObject({ body: '', takenBackBody: '間違えて送りました' });
    expect(record.messages[1]!.deletedAt).toBeDefined();

    const paged = recordPageSchema.parse((await admin.api.get(`/api/admin/conversations/${conversationId}/record?limit=1`)).body);
    expect(paged.messages.map((m) => m.seq)).toEqual([1]);
    expect(paged.hasMore).toBe(true);
  });

  it('is refused to members and anyone else who is not an admin, and says so for bad or unknown ids', async () => {
    expect((await alice.api.get(`/api/admin/conversations/${conversationId}/record`)).status).toBe(403);
    expect((await admin.api.get('/api/admin/conversations/not-an-id/record')).status).toBe(400);
    expect((await admin.api.get('/api/admin/conversations/0123456789abcdef01234567/record')).status).toBe(404);
    expect((await admin.api.get(`/api/admin/conversations/${conversationId}/record?limit=5000`)).status).toBe(400);
  });
});
