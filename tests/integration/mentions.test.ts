import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationNewEventSchema, conversationSchema, messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let outsider: SignedIn;
let boss: SignedIn;
let crowd: SignedIn[];
const sockets: ClientSocket[] = [];
let n = 0;

async function open(who: SignedIn): Promise<ClientSocket> {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}

function send(s: ClientSocket, conversationId: string, body: string, extra: Record<string, unknown> = {}) {
  n += 1;
  return emitAck(s, 'message:send', { conversationId, clientMsgId: `mention-${String(n).padStart(4, '0')}`, body, ...extra });
}

async function viewOf(who: SignedIn, conversationId: string) {
  const res = await who.api.get(`/api/conversations/${conversationId}`);
  expect(res.status).toBe(200);
  return conversationSchema.parse(res.body);
}

beforeAll(async () => {
  // MENTION_ALL_MAX_MEMBERS 4 stands for the office's 50, so a "big" group is cheap to make.
  t = await startTestServer({ config: { MENTION_ALL_MAX_MEMBERS: 4 } });
  const admin = await loginAdmin(t.url);
  const dept = await createDepartment(admin, 'メンション課');
  [alice, bob, carol, outsider] = await Promise.all([
    createUser(admin, dept.id, { name: '青木 愛', nameKana: 'あおき あい' }),
    createUser(admin, dept.id, { name: '馬場 勉', nameKana: 'ばば つとむ' }),
    createUser(admin, dept.id, { name: '千葉 力', nameKana: 'ちば ちから' }),
    createUser(admin, dept.id, { name: '外山 修', nameKana: 'とやま おさむ' }),
  ]);
  boss = (await createUser(admin, dept.id, { name: '部長 一', nameKana: 'ぶちょう はじめ', role: 'supervisor' }))!;
  crowd = await Promise.all([1, 2, 3].map((i) => createUser(admin, dept.id, { name: `職員 ${i}` })));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

describe('mentions chosen in the picker are stored as user ids', () => {
  it('an edit keeps the people the message mentioned, and they still count it in their badge', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '指名の編集');
    const as = await open(alice);
    const sent = await send(as, conv.id, '@馬場 勉 確認をお願いします', { mentions: [bob.user.id] });
    expect(sent.ok).toBe(true);
    const edited = await emitAck(as, 'message:edit', { messageId: sent.message.id, body: '@馬場 勉 確認をお願いします（修正）' });
    expect(edited.ok).toBe(true);
    expect(edited.message.mentions).toEqual([bob.user.id]);
    expect((await viewOf(bob, conv.id)).mentionCount).toBe(1);
  });

  it('stores the chosen members’ ids, once each, and every member receives them in message:new', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '指名');
    const [as, cs] = [await open(alice), await open(carol)];
    const log = new EventLog(cs, 'message:new', messageNewEventSchema);
    const ack = await send(as, conv.id, '@馬場 勉 @千葉 力 お願いします', { mentions: [bob.user.id, carol.user.id, bob.user.id] });
    expect(ack.ok).toBe(true);
    expect(ack.message.mentions).toEqual([bob.user.id, carol.user.id]);
    expect(ack.message.mentionsAll).toBeUndefined();
    const [event] = await log.until((es) => es.length === 1);
    expect(event!.message.mentions).toEqual([bob.user.id, carol.user.id]);
    const history = await bob.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages[0].mentions).toEqual([bob.user.id, carol.user.id]);
  });

  it('with explicit mentions, an @loginId in the text mentions no one else', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '明示');
    const as = await open(alice);
    const ack = await send(as, conv.id, `@${carol.user.loginId} 参考まで`, { mentions: [bob.user.id] });
    expect(ack.message.mentions).toEqual([bob.user.id]);
  });

  it('refuses a mention of someone who is not a member, and stores nothing', async () => {
    const conv = await createConversation(alice, 'group', [bob], '外部');
    const as = await open(alice);
    const ack = await send(as, conv.id, '@外山 修 見てください', { mentions: [outsider.user.id] });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('bad_request');
    expect(ack.error.message).toMatch(/not members/);
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages).toEqual([]);
  });

  it('refuses malformed mention ids', async () => {
    const conv = await createConversation(alice, 'group', [bob], '不正');
    const as = await open(alice);
    const ack = await send(as, conv.id, 'x', { mentions: ['bob'] });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('bad_request');
  });

  it('once added to the conversation, the same person can be mentioned', async () => {
    const conv = await createConversation(alice, 'group', [bob], '追加後');
    const as = await open(alice);
    const refused = await send(as, conv.id, '@外山 修', { mentions: [outsider.user.id] });
    expect(refused.ok).toBe(false);
    // Adding members is the conversation-management route (issue 9); without it the client shows
    // the offer and reports the failure, and the mention stays refused.
    const added = await alice.api.post(`/api/conversations/${conv.id}/members`, { userIds: [outsider.user.id] });
    if (added.status === 404) return;
    expect([200, 201, 204]).toContain(added.status);
    const ack = await send(as, conv.id, '@外山 修 ようこそ', { mentions: [outsider.user.id] });
    expect(ack.ok).toBe(true);
    expect(ack.message.mentions).toEqual([outsider.user.id]);
  });
});

describe('@全員 (mentionsAll)', () => {
  it('anyone may mention everyone in a group of at most the configured size; it is stored as mentionsAll', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '小さい会');
    const as = await open(alice);
    const ack = await send(as, conv.id, '@全員 17時から会議です', { mentionsAll: true });
    expect(ack.ok).toBe(true);
    expect(ack.message.mentionsAll).toBe(true);
    const history = await carol.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages[0].mentionsAll).toBe(true);
  });

  it('staff are refused @全員 in a bigger group, with a clear error, and nothing is stored', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol, ...crowd], '大きい会');
    const as = await open(alice);
    const ack = await send(as, conv.id, '@全員 見てください', { mentionsAll: true });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('forbidden');
    expect(ack.error.message).toMatch(/supervisors/);
    const history = await alice.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages).toEqual([]);
  });

  it('a supervisor may mention everyone in a group of any size', async () => {
    const conv = await createConversation(boss, 'group', [alice, bob, carol, ...crowd], '全体連絡');
    const bs = await open(boss);
    const ack = await send(bs, conv.id, '@全員 明日は停電です', { mentionsAll: true });
    expect(ack.ok).toBe(true);
    expect(ack.message.mentionsAll).toBe(true);
  });
});

describe('the mention badge (mentionCount)', () => {
  it('counts unread messages that mention the viewer or everyone, per viewer, and drops to 0 once read', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], 'バッジ');
    const as = await open(alice);
    await send(as, conv.id, '@馬場 勉 一つ目', { mentions: [bob.user.id] });
    await send(as, conv.id, '誰も呼ばない');
    await send(as, conv.id, '@千葉 力 二つ目', { mentions: [carol.user.id] });
    const last = await send(as, conv.id, '@全員 三つ目', { mentionsAll: true });

    expect((await viewOf(bob, conv.id)).mentionCount).toBe(2);
    expect((await viewOf(carol, conv.id)).mentionCount).toBe(2);
    // The sender's own mentions never badge their own list.
    expect((await viewOf(alice, conv.id)).mentionCount).toBe(0);
    const list = await bob.api.get('/api/conversations');
    expect(list.body.find((c: { id: string }) => c.id === conv.id).mentionCount).toBe(2);

    // Bob reads up to the first message only: one mention is left.
    const bs = await open(bob);
    await emitAck(bs, 'conversation:read', { conversationId: conv.id, seq: 1 });
    expect((await viewOf(bob, conv.id)).mentionCount).toBe(1);
    await emitAck(bs, 'conversation:read', { conversationId: conv.id, seq: last.message.seq });
    expect((await viewOf(bob, conv.id)).mentionCount).toBe(0);
    expect((await viewOf(carol, conv.id)).mentionCount).toBe(2);
  });

  it('a new conversation reaches its members with mentionCount 0', async () => {
    const bs = await open(bob);
    const log = new EventLog(bs, 'conversation:new', conversationNewEventSchema);
    const conv = await createConversation(alice, 'group', [bob], '新規');
    const [event] = await log.until((es) => es.some((e) => e.conversation.id === conv.id));
    expect(event!.conversation.mentionCount).toBe(0);
  });
});

describe('older clients', () => {
  it('without `mentions`, @loginId of a member still mentions them', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '旧形式');
    const as = await open(alice);
    const ack = await send(as, conv.id, `@${bob.user.loginId} @${outsider.user.loginId} 確認を`);
    expect(ack.message.mentions).toEqual([bob.user.id]);
  });
});
