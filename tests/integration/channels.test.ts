import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelListSchema, type ChannelSummary } from '../../shared/schemas/conversation-management.js';
import {
  conversationLeftEventSchema,
  conversationNewEventSchema,
  conversationUpdatedEventSchema,
  messageNewEventSchema,
} from '../../shared/schemas/conversations.js';
import type { Department } from '../../shared/schemas/directory.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { countCommands, seedPeople } from '../support/seed.js';
import { EventLog, emitAck } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 9, channels: supervisors and admins open them (public to their department or to
// everyone); anyone allowed finds them in the channel list and joins; each department has its own
// channel whose members follow the department, also when someone moves.

let t: TestServer;
let admin: SignedIn;
let parent: Department; // 総務部
let child: Department; // 総務部 > 人事課
let other: Department; // 建設部
let chief: SignedIn; // supervisor of 総務部
let inChild: SignedIn; // staff of 人事課 (below 総務部)
let outsider: SignedIn; // staff of 建設部
let staff: SignedIn; // staff of 総務部

beforeAll(async () => {
  t = await startTestServer();
  admin = await loginAdmin(t.url);
  const tag = Date.now().toString(36);
  parent = await createDepartment(admin, `総務部 ${tag}`);
  child = await createDepartment(admin, `人事課 ${tag}`, parent.id);
  other = await createDepartment(admin, `建設部 ${tag}`);
  chief = await createUser(admin, parent.id, { role: 'supervisor', name: '部長 一' });
  staff = await createUser(admin, parent.id, { name: '総務 二' });
  inChild = await createUser(admin, child.id, { name: '人事 三' });
  outsider = await createUser(admin, other.id, { name: '建設 四' });
});
afterAll(async () => {
  await t.stop();
});

async function channels(who: SignedIn): Promise<ChannelSummary[]> {
  const res = await who.api.get('/api/channels');
  expect(res.status).toBe(200);
  return channelListSchema.parse(res.body).channels;
}

describe('opening channels', () => {
  it('a supervisor opens a channel alone; it is open to their department (and those below) by default', async () => {
    const res = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '総務連絡' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'channel', visibility: 'department', departmentId: parent.id, createdBy: chief.user.id });
    expect(res.body.memberIds).toEqual([chief.user.id]);

    const seenByStaff = (await channels(staff)).find((c) => c.id === res.body.id);
    expect(seenByStaff).toMatchObject({ title: '総務連絡', member: false, memberCount: 1, visibility: 'department' });
    expect((await channels(inChild)).some((c) => c.id === res.body.id)).toBe(true);
    expect((await channels(outsider)).some((c) => c.id === res.body.id)).toBe(false);
  });

  it('staff cannot open channels (403) and nothing is created', async () => {
    const before = (await channels(staff)).length;
    const res = await staff.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '勝手チャンネル', visibility: 'everyone' });
    expect(res.status).toBe(403);
    expect((await channels(outsider)).some((c) => c.title === '勝手チャンネル')).toBe(false);
    expect((await channels(staff)).length).toBe(before);
  });

  it('a channel open to everyone is listed for every department; a members-only one only for its members', async () => {
    const open = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '全庁お知らせ', visibility: 'everyone' });
    const closed = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [staff.user.id], title: '非公開', visibility: 'members' });
    expect(open.status).toBe(201);
    expect(closed.status).toBe(201);
    expect((await channels(outsider)).map((c) => c.id)).toContain(open.body.id);
    expect((await channels(outsider)).map((c) => c.id)).not.toContain(closed.body.id);
    expect((await channels(inChild)).map((c) => c.id)).not.toContain(closed.body.id);
    expect((await channels(staff)).find((c) => c.id === closed.body.id)?.member).toBe(true);
    // A group is never a channel: visibility is refused for it.
    const bad = await chief.api.post('/api/conversations', { kind: 'group', memberIds: [staff.user.id], visibility: 'everyone' });
    expect(bad.status).toBe(400);
  });
});

describe('joining and leaving channels', () => {
  it('someone allowed joins: they get the channel and its history, the members a system message; leaving works too', async () => {
    const res = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '参加テスト', visibility: 'everyone' });
    const id = res.body.id as string;
    const chiefSocket = await t.connect(chief);
    await emitAck(chiefSocket, 'message:send', { conversationId: id, clientMsgId: 'join-before-1', body: 'ようこそ' });
    const chiefMessages = new EventLog(chiefSocket, 'message:new', messageNewEventSchema);
    const chiefUpdates = new EventLog(chiefSocket, 'conversation:updated', conversationUpdatedEventSchema);
    const outsiderSocket = await t.connect(outsider);
    const outsiderNew = new EventLog(outsiderSocket, 'conversation:new', conversationNewEventSchema);

    const joined = await outsider.api.post(`/api/conversations/${id}/join`);
    expect(joined.status).toBe(200);
    expect(joined.body.memberIds.sort()).toEqual([chief.user.id, outsider.user.id].sort());
    await outsiderNew.until((e) => e.some((x) => x.conversation.id === id));
    const [notice] = await chiefMessages.until((e) => e.length === 1);
    expect(notice!.message.system).toEqual({ type: 'member_joined', userIds: [outsider.user.id] });
    await chiefUpdates.until((e) => e.length === 1);
    const history = await outsider.api.get(`/api/conversations/${id}/messages`);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect((await channels(outsider)).find((c) => c.id === id)).toMatchObject({ member: true, memberCount: 2 });

    // Joining again changes nothing.
    expect((await outsider.api.post(`/api/conversations/${id}/join`)).status).toBe(200);
    expect((await chief.api.get(`/api/conversations/${id}`)).body.lastSeq).toBe(2);

    expect((await outsider.api.post(`/api/conversations/${id}/leave`)).status).toBe(204);
    expect((await channels(outsider)).find((c) => c.id === id)).toMatchObject({ member: false, memberCount: 1 });
  });

  it('someone not allowed is refused (403) and nothing changes: another department, a members-only channel, a group', async () => {
    const deptOnly = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '部内限定' });
    const closed = await chief.api.post('/api/conversations', { kind: 'channel', memberIds: [], title: '招待制', visibility: 'members' });
    const group = await chief.api.post('/api/conversations', { kind: 'group', memberIds: [staff.user.id], title: 'グループ' });
    for (const id of [deptOnly.body.id, closed.body.id, group.body.id]) {
      const res = await outsider.api.post(`/api/conversations/${id}/join`);
      expect(res.status).toBe(403);
      expect((await chief.api.get(`/api/conversations/${id}`)).body.memberIds).not.toContain(outsider.user.id);
    }
    // Below the department is inside it.
    expect((await inChild.api.post(`/api/conversations/${deptOnly.body.id}/join`)).status).toBe(200);
    expect((await outsider.api.post('/api/conversations/000000000000000000000000/join')).status).toBe(404);
  });
});

describe('department channels', () => {
  it('each department has its own channel, created when first needed, with everyone in the department', async () => {
    const list = await channels(staff);
    const own = list.filter((c) => c.departmentChannel && c.departmentId === parent.id);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ member: true, memberCount: 2, visibility: 'department' });
    // Asking again does not make a second one.
    expect((await channels(chief)).filter((c) => c.departmentChannel && c.departmentId === parent.id)).toHaveLength(1);
    const conv = await staff.api.get(`/api/conversations/${own[0]!.id}`);
    expect(conv.body.memberIds.sort()).toEqual([chief.user.id, staff.user.id].sort());
    expect(conv.body.departmentChannel).toBe(true);
    // It cannot be left, joined from outside, nor have members added or removed by hand.
    expect((await staff.api.post(`/api/conversations/${own[0]!.id}/leave`)).status).toBe(400);
    expect((await chief.api.post(`/api/conversations/${own[0]!.id}/members`, { userIds: [outsider.user.id] })).status).toBe(400);
    expect((await chief.api.delete(`/api/conversations/${own[0]!.id}/members/${staff.user.id}`)).status).toBe(400);
    expect((await inChild.api.post(`/api/conversations/${own[0]!.id}/join`)).status).toBe(403);
    // Nor is it listed to anyone outside the department (even below it), who could not join it.
    expect((await channels(inChild)).some((c) => c.id === own[0]!.id)).toBe(false);
  });

  it('a new person of the department enters its channel; someone moved by an admin leaves the old one and enters the new one, live', async () => {
    const parentChannel = (await channels(staff)).find((c) => c.departmentChannel && c.departmentId === parent.id)!;
    const otherChannel = (await channels(outsider)).find((c) => c.departmentChannel && c.departmentId === other.id)!;
    expect(otherChannel).toBeDefined();

    // A newcomer enters the existing channel.
    const newcomer = await createUser(admin, parent.id, { name: '新人 五' });
    expect((await chief.api.get(`/api/conversations/${parentChannel.id}`)).body.memberIds).toContain(newcomer.user.id);

    // The mover is told live on both sides; those who stay get the new member lists and notices.
    const moverSocket = await t.connect(staff);
    const moverLeft = new EventLog(moverSocket, 'conversation:left', conversationLeftEventSchema);
    const moverNew = new EventLog(moverSocket, 'conversation:new', conversationNewEventSchema);
    const chiefSocket = await t.connect(chief);
    const chiefMessages = new EventLog(chiefSocket, 'message:new', messageNewEventSchema);
    const outsiderSocket = await t.connect(outsider);
    const outsiderMessages = new EventLog(outsiderSocket, 'message:new', messageNewEventSchema);
    const outsiderUpdates = new EventLog(outsiderSocket, 'conversation:updated', conversationUpdatedEventSchema);

    const moved = await admin.api.patch(`/api/admin/users/${staff.user.id}`, { departmentId: other.id });
    expect(moved.status).toBe(200);

    await moverLeft.until((e) => e.some((x) => x.conversationId === parentChannel.id));
    await moverNew.until((e) => e.some((x) => x.conversation.id === otherChannel.id));
    const [gone] = await chiefMessages.until((e) => e.some((m) => m.message.system?.type === 'department_moved'));
    expect(gone!.message.conversationId).toBe(parentChannel.id);
    expect(chiefMessages.events.find((m) => m.message.system?.type === 'department_moved')!.message.body).toBe(`${staff.user.name}さんが異動しました`);
    const arrived = await outsiderMessages.until((e) => e.some((m) => m.message.system?.type === 'members_added'));
    expect(arrived.find((m) => m.message.system?.type === 'members_added')!.message.system!.userIds).toEqual([staff.user.id]);
    const [update] = await outsiderUpdates.until((e) => e.length >= 1);
    expect(update!.conversation.memberIds).toContain(staff.user.id);

    // A fresh fetch agrees; the old channel refuses the mover now.
    expect((await chief.api.get(`/api/conversations/${parentChannel.id}`)).body.memberIds).not.toContain(staff.user.id);
    expect((await staff.api.get(`/api/conversations/${parentChannel.id}/messages`)).status).toBe(403);
    expect((await outsider.api.get(`/api/conversations/${otherChannel.id}`)).body.memberIds).toContain(staff.user.id);
    const list = (await channels(staff)).filter((c) => c.departmentChannel && c.member);
    expect(list.map((c) => c.departmentId)).toEqual([other.id]);
  });
});

describe('cost of membership changes', () => {
  it('moving 40 people between departments costs the same database commands as moving 1', async () => {
    const from = await createDepartment(admin, `移動元 ${Date.now().toString(36)}`);
    const to = await createDepartment(admin, `移動先 ${Date.now().toString(36)}`);
    const crowd = await seedPeople(t, from.id, 41);
    const anchorFrom = await createUser(admin, from.id);
    const anchorTo = await createUser(admin, to.id);
    // Both department channels exist (the first look creates each).
    await channels(anchorFrom);
    await channels(anchorTo);
    const { conversations } = t.server.services;
    const moves = (ids: string[]) => ids.map((userId) => ({ userId, from: from.id, to: to.id }));
    await conversations.flushActivity(); // earlier notices' activity times, written in their own batch
    const one = await countCommands(t, () => conversations.followDepartments(moves(crowd.slice(0, 1))));
    const many = await countCommands(t, () => conversations.followDepartments(moves(crowd.slice(1))));
    expect(many.commands.sort()).toEqual(one.commands.sort());
    expect(many.result[0]!.removed.length + many.result[1]!.removed.length).toBe(40);
    const toChannel = (await channels(anchorTo)).find((c) => c.departmentChannel && c.departmentId === to.id)!;
    expect(toChannel.memberCount).toBe(42);
  });

  it('adding 40 members costs the same database commands as adding 2', async () => {
    const crowd = await seedPeople(t, parent.id, 42);
    const a = await chief.api.post('/api/conversations', { kind: 'group', memberIds: [staff.user.id], title: '少人数' });
    const b = await chief.api.post('/api/conversations', { kind: 'group', memberIds: [staff.user.id], title: '大人数' });
    await chief.api.get('/api/me');
    // The notice's activity time is written in a later batch: each count waits for it, so both hold it.
    const add = async (id: string, userIds: string[]) => {
      const res = await chief.api.post(`/api/conversations/${id}/members`, { userIds });
      await t.server.services.conversations.flushActivity();
      return res;
    };
    await t.server.services.conversations.flushActivity();
    const few = await countCommands(t, () => add(a.body.id, crowd.slice(0, 2)));
    const lots = await countCommands(t, () => add(b.body.id, crowd.slice(2)));
    expect(few.result.status).toBe(200);
    expect(lots.result.status).toBe(200);
    expect(lots.result.body.memberIds).toHaveLength(42);
    expect(lots.commands.sort()).toEqual(few.commands.sort());
  });
});
