import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationLeftEventSchema,
  conversationSchema,
  conversationUpdatedEventSchema,
  messageNewEventSchema,
} from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 8 item 8 (b): anyone may leave a group or channel; a system message records it.

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, carol] } = await createTeam(t.url, 3));
});
afterAll(async () => {
  await t.stop();
});

interface Watch {
  socket: ClientSocket;
  messages: EventLog<typeof messageNewEventSchema>;
  updated: EventLog<typeof conversationUpdatedEventSchema>;
  left: EventLog<typeof conversationLeftEventSchema>;
}

async function watch(who: SignedIn): Promise<Watch> {
  const socket = await t.connect(who);
  return {
    socket,
    messages: new EventLog(socket, 'message:new', messageNewEventSchema),
    updated: new EventLog(socket, 'conversation:updated', conversationUpdatedEventSchema),
    left: new EventLog(socket, 'conversation:left', conversationLeftEventSchema),
  };
}

describe('leaving a group', () => {
  it('answers 204; the others get a system message with the next seq and the new member list; the leaver is out at once', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '退出テスト');
    const [a, b, c] = [await watch(alice), await watch(bob), await watch(carol)];
    await emitAck(a.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'leave-before-1', body: 'こんにちは' });

    const res = await bob.api.post(`/api/conversations/${conv.id}/leave`);
    expect(res.status).toBe(204);

    // Those who stay: a system message (seq 2) naming who left, and the conversation as it is now.
    for (const stay of [a, c]) {
      const [, notice] = await stay.messages.until((e) => e.length === 2);
      expect(notice!.message).toMatchObject({ conversationId: conv.id, seq: 2, senderId: bob.user.id, system: { type: 'member_left', userIds: [bob.user.id] } });
      expect(notice!.message.body).toBe(`${bob.user.name}さんが退出しました`);
      const [update] = await stay.updated.until((e) => e.length === 1);
      expect(update!.conversation.id).toBe(conv.id);
      expect(update!.conversation.memberIds.sort()).toEqual([alice.user.id, carol.user.id].sort());
    }
    // The leaver's own tabs drop it, and they did not get the notice.
    await b.left.until((e) => e.length === 1);
    expect(b.left.events[0]).toEqual({ conversationId: conv.id });

    // From now on the leaver can read nothing of it and receives nothing from it.
    expect((await bob.api.get(`/api/conversations/${conv.id}/messages`)).status).toBe(403);
    expect((await bob.api.get(`/api/conversations/${conv.id}`)).status).toBe(403);
    expect((await bob.api.get('/api/conversations')).body.map((x: { id: string }) => x.id)).not.toContain(conv.id);
    const send = await emitAck(b.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'leave-after-bob', body: 'まだいる?' });
    expect(send.ok).toBe(false);
    expect(send.error.code).toBe('forbidden');
    await emitAck(a.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'leave-after-1', body: 'またね' });
    await c.messages.until((e) => e.length === 3);
    await settle(b.socket);
    expect(b.messages.events.map((e) => e.message.seq)).toEqual([1]);

    // A fresh fetch agrees with what the events said (snapshot + events = fetch).
    const fresh = conversationSchema.parse((await alice.api.get(`/api/conversations/${conv.id}`)).body);
    expect(fresh.memberIds.sort()).toEqual([alice.user.id, carol.user.id].sort());
    expect(fresh.lastMessage?.seq).toBe(3);
    const history = await carol.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    expect(history.body.messages[1].system).toEqual({ type: 'member_left', userIds: [bob.user.id] });

    // Leaving twice: no longer a member.
    const again = await bob.api.post(`/api/conversations/${conv.id}/leave`);
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('forbidden');
  });

  it('a direct message cannot be left (bad_request), and nothing changes', async () => {
    const dm = await createConversation(alice, 'dm', [carol]);
    const res = await alice.api.post(`/api/conversations/${dm.id}/leave`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    const after = await alice.api.get(`/api/conversations/${dm.id}`);
    expect(after.body.memberIds.sort()).toEqual([alice.user.id, carol.user.id].sort());
    expect(after.body.lastSeq).toBe(0);
  });

  it('someone who is not a member cannot leave (403), and an unknown conversation is 404', async () => {
    const conv = await createConversation(alice, 'group', [carol], '部外者');
    const res = await bob.api.post(`/api/conversations/${conv.id}/leave`);
    expect(res.status).toBe(403);
    expect((await alice.api.get(`/api/conversations/${conv.id}`)).body.memberIds).toHaveLength(2);
    expect((await bob.api.post('/api/conversations/000000000000000000000000/leave')).status).toBe(404);
    expect((await bob.api.post('/api/conversations/not-an-id/leave')).status).toBe(400);
  });
});
