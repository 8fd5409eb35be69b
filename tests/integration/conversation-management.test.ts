import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationLeftEventSchema,
  conversationNewEventSchema,
  conversationSchema,
  conversationUpdatedEventSchema,
  messageNewEventSchema,
} from '../../shared/schemas/conversations.js';
import { createConversation, createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 9, conversations: rename, add and remove members (creator, supervisors, admins), with a
// system message for each change, in real time to every member's connections.

let t: TestServer;
let admin: SignedIn;
let boss: SignedIn; // a supervisor
let alice: SignedIn; // staff, creates the groups
let bob: SignedIn;
let carol: SignedIn;
let dave: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  admin = await loginAdmin(t.url);
  const dept = await createDepartment(admin, `管理課 ${Date.now().toString(36)}`);
  boss = await createUser(admin, dept.id, { role: 'supervisor', name: '上司 一郎' });
  alice = await createUser(admin, dept.id, { name: '有栖 花子' });
  bob = await createUser(admin, dept.id, { name: '坊 次郎' });
  carol = await createUser(admin, dept.id, { name: '香 三子' });
  dave = await createUser(admin, dept.id, { name: '出部 四郎' });
});
afterAll(async () => {
  await t.stop();
});

interface Watch {
  socket: ClientSocket;
  messages: EventLog<typeof messageNewEventSchema>;
  created: EventLog<typeof conversationNewEventSchema>;
  updated: EventLog<typeof conversationUpdatedEventSchema>;
  left: EventLog<typeof conversationLeftEventSchema>;
}

async function watch(who: SignedIn): Promise<Watch> {
  const socket = await t.connect(who);
  return {
    socket,
    messages: new EventLog(socket, 'message:new', messageNewEventSchema),
    created: new EventLog(socket, 'conversation:new', conversationNewEventSchema),
    updated: new EventLog(socket, 'conversation:updated', conversationUpdatedEventSchema),
    left: new EventLog(socket, 'conversation:left', conversationLeftEventSchema),
  };
}

const ids = (people: SignedIn[]) => people.map((p) => p.user.id).sort();

describe('renaming a group', () => {
  it('its creator renames it: every member gets the new title and a system message; a fresh fetch agrees', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '旧名');
    const [a, b, c] = [await watch(alice), await watch(bob), await watch(carol)];

    const res = await alice.api.patch(`/api/conversations/${conv.id}`, { title: '新しい名前' });
    expect(res.status).toBe(200);
    expect(conversationSchema.parse(res.body).title).toBe('新しい名前');

    for (const w of [a, b, c]) {
      const [update] = await w.updated.until((e) => e.length === 1);
      expect(update!.conversation.title).toBe('新しい名前');
      const [notice] = await w.messages.until((e) => e.length === 1);
      expect(notice!.message).toMatchObject({ seq: 1, senderId: alice.user.id, system: { type: 'title_changed', title: '新しい名前' } });
      expect(notice!.message.body).toBe('会話名が「新しい名前」に変わりました');
    }
    const fresh = conversationSchema.parse((await bob.api.get(`/api/conversations/${conv.id}`)).body);
    expect(fresh.title).toBe('新しい名前');
    expect(fresh.lastSeq).toBe(1);
  });

  it('a staff member who did not create it is refused (403) and nothing changes; a supervisor member may', async () => {
    const conv = await createConversation(alice, 'group', [bob, boss], '据え置き');
    const refused = await bob.api.patch(`/api/conversations/${conv.id}`, { title: '勝手に' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const still = await alice.api.get(`/api/conversations/${conv.id}`);
    expect(still.body.title).toBe('据え置き');
    expect(still.body.lastSeq).toBe(0);

    const bySupervisor = await boss.api.patch(`/api/conversations/${conv.id}`, { title: '上司が変更' });
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.title).toBe('上司が変更');
  });

  it('a non-member (even a supervisor) is refused (403); bad titles are 400; a dm cannot be renamed', async () => {
    const conv = await createConversation(alice, 'group', [bob], '部外');
    expect((await carol.api.patch(`/api/conversations/${conv.id}`, { title: 'x' })).status).toBe(403);
    expect((await boss.api.patch(`/api/conversations/${conv.id}`, { title: 'x' })).status).toBe(403);
    for (const body of [{ title: '' }, { title: 'x'.repeat(101) }, { title: 'a\u0007b' }, { title: 'ok', extra: 1 }, {}]) {
      const res = await alice.api.patch(`/api/conversations/${conv.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const dm = await createConversation(alice, 'dm', [carol]);
    expect((await alice.api.patch(`/api/conversations/${dm.id}`, { title: 'x' })).status).toBe(400);
    expect((await alice.api.get(`/api/conversations/${conv.id}`)).body.title).toBe('部外');
  });
});

describe('adding and removing members', () => {
  it('added people get the conversation and its whole history; the others get the new members and a system message', async () => {
    const conv = await createConversation(alice, 'group', [bob], '追加テスト');
    const [a, b, d] = [await watch(alice), await watch(bob), await watch(dave)];
    await emitAck(a.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'add-before-1', body: '追加前の発言' });

    const res = await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: [dave.user.id, bob.user.id] });
    expect(res.status).toBe(200);
    expect(res.body.memberIds.sort()).toEqual(ids([alice, bob, dave]));

    // The added person: the conversation as they see it, then the notice.
    const [created] = await d.created.until((e) => e.length === 1);
    expect(created!.conversation.id).toBe(conv.id);
    expect(created!.conversation.memberIds.sort()).toEqual(ids([alice, bob, dave]));
    // The others: the new member list and the notice (seq 2), naming only the one added.
    for (const w of [a, b]) {
      const [update] = await w.updated.until((e) => e.length === 1);
      expect(update!.conversation.memberIds.sort()).toEqual(ids([alice, bob, dave]));
    }
    for (const w of [a, b, d]) {
      const notices = await w.messages.until((e) => e.some((m) => m.message.seq === 2));
      const notice = notices.find((m) => m.message.seq === 2)!;
      expect(notice.message.system).toEqual({ type: 'members_added', userIds: [dave.user.id] });
      expect(notice.message.body).toBe(`${dave.user.name}さんが参加しました`);
    }
    // Members added later see the whole history, from seq 1.
    const history = await dave.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(history.body.messages[0].body).toBe('追加前の発言');
    // And may send at once (the membership cache was dropped).
    const sent = await emitAck(d.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'add-after-dave', body: 'よろしく' });
    expect(sent.ok).toBe(true);

    // Adding only people already in changes nothing and records nothing.
    const again = await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: [dave.user.id] });
    expect(again.status).toBe(200);
    expect((await alice.api.get(`/api/conversations/${conv.id}`)).body.lastSeq).toBe(3);
  });

  it('a removed person loses the conversation at once; the rest get a system message; a fresh fetch agrees', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '削除テスト');
    const [a, b, c] = [await watch(alice), await watch(bob), await watch(carol)];

    const res = await alice.api.delete(`/api/conversations/${conv.id}/members/${carol.user.id}`);
    expect(res.status).toBe(204);

    await c.left.until((e) => e.length === 1);
    expect(c.left.events[0]).toEqual({ conversationId: conv.id });
    for (const w of [a, b]) {
      const [update] = await w.updated.until((e) => e.length === 1);
      expect(update!.conversation.memberIds.sort()).toEqual(ids([alice, bob]));
      const [notice] = await w.messages.until((e) => e.length === 1);
      expect(notice!.message.system).toEqual({ type: 'member_removed', userIds: [carol.user.id] });
    }
    await settle(c.socket);
    expect(c.messages.events).toEqual([]);
    expect((await carol.api.get(`/api/conversations/${conv.id}/messages`)).status).toBe(403);
    const send = await emitAck(c.socket, 'message:send', { conversationId: conv.id, clientMsgId: 'removed-carol-1', body: 'まだ?' });
    expect(send.ok).toBe(false);
    expect(send.error.code).toBe('forbidden');
    expect((await carol.api.get('/api/conversations')).body.map((x: { id: string }) => x.id)).not.toContain(conv.id);
    const fresh = await alice.api.get(`/api/conversations/${conv.id}`);
    expect(fresh.body.memberIds.sort()).toEqual(ids([alice, bob]));
  });

  it('only the creator, supervisors and admins change members; refusals change nothing', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol, boss], '権限テスト');
    // Staff who did not create it.
    expect((await bob.api.post(`/api/conversations/${conv.id}/members`, { userIds: [dave.user.id] })).status).toBe(403);
    expect((await bob.api.delete(`/api/conversations/${conv.id}/members/${carol.user.id}`)).status).toBe(403);
    // Not a member at all.
    expect((await dave.api.post(`/api/conversations/${conv.id}/members`, { userIds: [dave.user.id] })).status).toBe(403);
    // Bad input, unknown people, oneself, someone not in it.
    expect((await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: [] })).status).toBe(400);
    expect((await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: ['nope'] })).status).toBe(400);
    expect((await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: ['bbbbbbbbbbbbbbbbbbbbbbbb'] })).status).toBe(404);
    expect((await alice.api.delete(`/api/conversations/${conv.id}/members/${alice.user.id}`)).status).toBe(400);
    expect((await alice.api.delete(`/api/conversations/${conv.id}/members/${dave.user.id}`)).status).toBe(404);
    const untouched = await alice.api.get(`/api/conversations/${conv.id}`);
    expect(untouched.body.memberIds.sort()).toEqual(ids([alice, bob, carol, boss]));
    expect(untouched.body.lastSeq).toBe(0);

    // A supervisor member may.
    expect((await boss.api.delete(`/api/conversations/${conv.id}/members/${carol.user.id}`)).status).toBe(204);
    // A dm's members never change.
    const dm = await createConversation(alice, 'dm', [bob]);
    expect((await alice.api.post(`/api/conversations/${dm.id}/members`, { userIds: [carol.user.id] })).status).toBe(400);
  });

  it('an admin who is a member may rename and change members of a group they did not create', async () => {
    const conv = await createConversation(alice, 'group', [bob, admin], '管理者');
    expect((await admin.api.patch(`/api/conversations/${conv.id}`, { title: '管理者が変更' })).status).toBe(200);
    expect((await admin.api.post(`/api/conversations/${conv.id}/members`, { userIds: [carol.user.id] })).status).toBe(200);
    expect((await admin.api.delete(`/api/conversations/${conv.id}/members/${bob.user.id}`)).status).toBe(204);
    const after = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(after.body.messages.map((m: { system: { type: string } }) => m.system.type)).toEqual(['title_changed', 'members_added', 'member_removed']);
  });
});
