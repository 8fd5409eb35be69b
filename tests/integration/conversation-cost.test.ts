import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationNewEventSchema, conversationSchema } from '../../shared/schemas/conversations.js';
import { createTeam, createUser, type SignedIn } from '../support/factories.js';
import { countCommands, seedGroups, seedPeople } from '../support/seed.js';
import { emitAck, EventLog } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 8 item 1: one request must cost a bounded number of database commands, whatever the
// number of members or conversations it touches (one round trip per collection, not per member).

let t: TestServer;
let admin: SignedIn;
let departmentId: string;
let creator: SignedIn;
let crowd: string[];

beforeAll(async () => {
  // Many conversations are created here on purpose; the creation limit is tested elsewhere.
  t = await startTestServer({ config: { CONVERSATION_CREATE_LIMIT: 10_000 } });
  const team = await createTeam(t.url, 1);
  admin = team.admin;
  departmentId = team.department.id;
  creator = team.people[0]!;
  crowd = await seedPeople(t, departmentId, 500);
});
afterAll(async () => {
  await t.stop();
});

const createGroup = (who: SignedIn, memberIds: string[], title?: string) =>
  who.api.post('/api/conversations', { kind: 'group', memberIds, ...(title ? { title } : {}) });

describe('creating a group', () => {
  it('an untitled group of 400 costs the same database commands as one of 10, and each member gets their own view', async () => {
    // Connected first, so that the presence work of connecting is over before anything is counted.
    const watcher = await createUser(admin, departmentId);
    const socket = await t.connect(watcher);
    const events = new EventLog(socket, 'conversation:new', conversationNewEventSchema);
    // Their own presence (now in the office) is pushed to them once the coalescing window closes.
    await new Promise((resolve) => socket.once('presence', resolve));

    // The creator's session check is answered from the session cache from here on (not counted).
    await creator.api.get('/api/me');
    const small = await countCommands(t, () => createGroup(creator, crowd.slice(0, 9)));
    expect(small.result.status).toBe(201);
    const big = await countCommands(t, () => createGroup(creator, [watcher.user.id, ...crowd.slice(0, 398)]));
    expect(big.result.status).toBe(201);
    expect(conversationSchema.parse(big.result.body).memberIds).toHaveLength(400);

    expect(big.commands.sort()).toEqual(small.commands.sort());
    expect(big.commands.length).toBeLessThanOrEqual(12);
    expect(big.getMores).toBeLessThanOrEqual(3);

    // The member's own view: the untitled group is named after others, never after the viewer.
    const [event] = await events.until((e) => e.length === 1);
    expect(event!.conversation.id).toBe(big.result.body.id);
    expect(event!.conversation.title).not.toContain(watcher.user.name);
    expect(event!.conversation.title).toMatch(/他396名$/);
    expect(big.result.body.title).toMatch(/他396名$/);
  });

  it('a group over MAX_GROUP_MEMBERS (500, the creator included) is refused with bad_request and nothing is created', async () => {
    const before = await creator.api.get('/api/conversations');
    const res = await createGroup(creator, crowd.slice(0, 500), '大きすぎる会話');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(/at most 500 members/);
    const after = await creator.api.get('/api/conversations');
    expect(after.body.map((c: { id: string }) => c.id)).toEqual(before.body.map((c: { id: string }) => c.id));
    expect(await t.server.services.conn.collection('conversations').countDocuments({ title: '大きすぎる会話' })).toBe(0);

    // A channel is capped the same way; exactly 500 is allowed.
    const supervisor = await createUser(admin, departmentId, { role: 'supervisor' });
    const channel = await supervisor.api.post('/api/conversations', { kind: 'channel', memberIds: crowd.slice(0, 500), title: '全員' });
    expect(channel.status).toBe(400);
    const fits = await createGroup(creator, crowd.slice(0, 499), 'ちょうど500人');
    expect(fits.status).toBe(201);
    expect(fits.body.memberIds).toHaveLength(500);
  });
});

describe('the conversation list', () => {
  it('for a member of 300 conversations costs the same database commands as for a member of 3', async () => {
    const [busy, quiet, other] = [await createUser(admin, departmentId), await createUser(admin, departmentId), await createUser(admin, departmentId)];
    // Untitled, so each title needs names; some with messages, so unread counts are needed too.
    const ids = [
      ...(await seedGroups(t, other.user.id, [busy.user.id, quiet.user.id], 3)),
      ...(await seedGroups(t, other.user.id, [busy.user.id], 297)),
    ];
    const socket = await t.connect(other);
    for (let i = 0; i < 300; i += 10) {
      await emitAck(socket, 'message:send', { conversationId: ids[i], clientMsgId: `cost-list-${i}`, body: `お知らせ ${i}` });
    }

    // The sends' activity times are written a moment later: let that land before counting reads.
    await t.server.services.conversations.flushActivity();
    const few = await countCommands(t, () => quiet.api.get('/api/conversations'));
    expect(few.result.body).toHaveLength(3);
    const many = await countCommands(t, () => busy.api.get('/api/conversations'));
    expect(many.result.status).toBe(200);
    expect(many.result.body).toHaveLength(200);
    for (const c of many.result.body) conversationSchema.parse(c);
    expect(many.result.body.filter((c: { unreadCount: number }) => c.unreadCount === 1)).toHaveLength(30);

    expect(many.commands.sort()).toEqual(few.commands.sort());
    expect(many.commands.length).toBeLessThanOrEqual(8);
    expect(many.getMores).toBeLessThanOrEqual(6);
  }, 120_000);
});
