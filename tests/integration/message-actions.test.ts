import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema, messageSchema, type Message } from '../../shared/schemas/conversations.js';
import {
  acksAnswerSchema,
  messageReminderEventSchema,
  messageUpdatedEventSchema,
  pinsAnswerSchema,
} from '../../shared/schemas/message-actions.js';
import { createConversation, createTeam, createUser, type SignedIn } from '../support/factories.js';
import { emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Message actions (server/messaging/README.md, "Message actions"): edit, take back, reply, react,
 * pin, confirm and remind — each travels to every member's connections as `message:updated`
 * (parsed with its shared schema), and each refuses those it must refuse, changing nothing.
 */

/** A wall clock the test moves: windows and reminder intervals without waiting. */
let now = Date.now();
const clock = () => new Date(now);

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let outsider: SignedIn;
let aliceS: ClientSocket;
let aliceS2: ClientSocket;
let bobS: ClientSocket;
let carolS: ClientSocket;
let outsiderS: ClientSocket;
let group: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock, config: { MESSAGE_EDIT_WINDOW_S: 0, MESSAGE_TAKE_BACK_WINDOW_S: 86_400, ACK_REMIND_INTERVAL_S: 3600 } });
  const team = await createTeam(t.url, 4);
  [alice, bob, carol, outsider] = team.people as [SignedIn, SignedIn, SignedIn, SignedIn];
  group = await createConversation(alice, 'group', [bob, carol], '庶務係');
  [aliceS, aliceS2, bobS, carolS, outsiderS] = await Promise.all([alice, alice, bob, carol, outsider].map((p) => t.connect(p)));
});
afterAll(() => t.stop());

let sent = 0;
async function send(socket: ClientSocket, body: string, extra: Record<string, unknown> = {}, conversationId = group.id): Promise<Message> {
  sent += 1;
  const ack = await emitAck(socket, 'message:send', { conversationId, clientMsgId: `actions-${sent}-${Date.now()}`, body, ...extra });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return messageSchema.parse(ack.message);
}

const updates = (socket: ClientSocket) => new EventLog(socket, 'message:updated', messageUpdatedEventSchema);
const forMessage = (id: string) => (events: { message: Message }[]) => events.some((e) => e.message.id === id);

async function history(who: SignedIn, conversationId = group.id): Promise<Message[]> {
  const res = await who.api.get(`/api/conversations/${conversationId}/messages?limit=200`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

const stored = (id: string) => t.server.services.conn.collection('messages').findOne({ _id: new Types.ObjectId(id) });

describe('editing a message', () => {
  it('the author edits: the ack carries editedAt, every connection of every member gets message:updated, and history shows the new text', async () => {
    const original = await send(aliceS, '会議は3時からです');
    const logs = [aliceS, aliceS2, bobS, carolS].map(updates);
    const outsiderLog = updates(outsiderS);

    const ack = await emitAck(aliceS, 'message:edit', { messageId: original.id, body: '会議は4時からです' });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const edited = messageSchema.parse(ack.message);
    expect(edited).toMatchObject({ id: original.id, seq: original.seq, body: '会議は4時からです' });
    expect(edited.editedAt).toBeDefined();
    expect(edited.changeSeq).toBeGreaterThan(0);

    for (const log of logs) expect((await log.until(forMessage(original.id)))[0]!.message).toEqual(edited);
    await settle(outsiderS);
    expect(outsiderLog.events).toEqual([]);
    expect((await history(bob)).find((m) => m.id === original.id)).toEqual(edited);
  });

  it('keeps the earlier text for the record in the database, and never sends it to anyone', async () => {
    const original = await send(aliceS, '旧い文面です');
    const bobLog = updates(bobS);
    await emitAck(aliceS, 'message:edit', { messageId: original.id, body: '新しい文面' });
    await emitAck(aliceS, 'message:edit', { messageId: original.id, body: '最新の文面' });
    await bobLog.until((e) => e.filter((x) => x.message.id === original.id).length === 2);

    const doc = await stored(original.id);
    expect(doc!.edits.map((e: { body: string }) => e.body)).toEqual(['旧い文面です', '新しい文面']);
    expect(doc!.body).toBe('最新の文面');
    const everything = JSON.stringify([bobLog.events, await history(bob)]);
    expect(everything).not.toContain('旧い文面');
    expect(everything).not.toContain('"edits"');
  });

  it('refuses anyone but the author (forbidden), a non-member (forbidden), and a system message, changing nothing', async () => {
    const original = await send(aliceS, '私の発言');
    const bobLog = updates(bobS);
    for (const [socket, code] of [
      [bobS, 'forbidden'],
      [outsiderS, 'forbidden'],
    ] as const) {
      const ack = await emitAck(socket, 'message:edit', { messageId: original.id, body: '書き換え' });
      expect(ack).toMatchObject({ ok: false, error: { code } });
    }
    expect((await emitAck(aliceS, 'message:edit', { messageId: '0123456789abcdef01234567', body: 'x' })).error.code).toBe('not_found');
    expect((await emitAck(aliceS, 'message:edit', { messageId: original.id, body: '   ' })).error.code).toBe('bad_request');
    expect((await emitAck(aliceS, 'message:edit', { messageId: original.id, body: 'x', senderId: bob.user.id })).error.code).toBe('bad_request');
    await settle(bobS);
    expect(bobLog.events).toEqual([]);
    expect((await history(alice)).find((m) => m.id === original.id)).toEqual(original);

    // A system message (someone left) is written by the server: no one edits or takes it back.
    const temp = await createUser(await adminOf(), (await alice.api.get('/api/me')).body.user.departmentId);
    const small = await createConversation(alice, 'group', [temp, bob], '一時');
    expect((await temp.api.post(`/api/conversations/${small.id}/leave`)).status).toBe(204);
    const notice = (await history(alice, small.id)).find((m) => m.system)!;
    expect(notice.senderId).toBe(temp.user.id);
    expect((await emitAck(aliceS, 'message:edit', { messageId: notice.id, body: 'x' })).error.code).toBe('forbidden');
    expect((await emitAck(aliceS, 'message:delete', { messageId: notice.id })).error.code).toBe('forbidden');
    expect((await emitAck(aliceS, 'message:react', { messageId: notice.id, reaction: '👍', on: true })).error.code).toBe('forbidden');
  });
});

async function adminOf(): Promise<SignedIn> {
  const { loginAdmin } = await import('../support/factories.js');
  return loginAdmin(t.url);
}

describe('taking a message back (送信取消)', () => {
  it('blanks the body for everyone, keeps seq and the text for the record, and clears reactions and pin from the view', async () => {
    const before = await send(aliceS, '前のメッセージ');
    const wrong = await send(aliceS, '間違えて送った内容');
    const after = await send(bobS, '後のメッセージ');
    expect((await emitAck(bobS, 'message:react', { messageId: wrong.id, reaction: 'stamp:ryokai', on: true })).ok).toBe(true);
    expect((await emitAck(carolS, 'message:pin', { messageId: wrong.id, on: true })).ok).toBe(true);
    const logs = [aliceS2, bobS, carolS].map(updates);

    const ack = await emitAck(aliceS, 'message:delete', { messageId: wrong.id });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const gone = messageSchema.parse(ack.message);
    expect(gone).toMatchObject({ id: wrong.id, seq: wrong.seq, body: '', mentions: [] });
    expect(gone.deletedAt).toBeDefined();
    expect(gone.reactions).toBeUndefined();
    expect(gone.pinnedAt).toBeUndefined();
    for (const log of logs) expect((await log.until(forMessage(wrong.id)))[0]!.message).toEqual(gone);

    const seqs = (await history(carol)).map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i)); // no gap
    expect(seqs).toEqual(expect.arrayContaining([before.seq, wrong.seq, after.seq]));
    expect(JSON.stringify(await history(carol))).not.toContain('間違えて送った');
    expect((await carol.api.get(`/api/conversations/${group.id}/pins`)).body.messages.map((m: Message) => m.id)).not.toContain(wrong.id);
    const doc = await stored(wrong.id);
    expect(doc!.takenBackBody).toBe('間違えて送った内容');
    expect(doc!.body).toBe('');

    // Taking back again answers the same; editing or reacting to it now is a conflict.
    expect((await emitAck(aliceS, 'message:delete', { messageId: wrong.id })).message).toEqual(gone);
    expect((await emitAck(aliceS, 'message:edit', { messageId: wrong.id, body: '復活' })).error.code).toBe('conflict');
    expect((await emitAck(bobS, 'message:react', { messageId: wrong.id, reaction: '👍', on: true })).error.code).toBe('conflict');
  });

  it('refuses anyone but the author, and the author once the window (24 h) has passed, with forbidden', async () => {
    const msg = await send(aliceS, '取り消し期限のテスト');
    expect((await emitAck(bobS, 'message:delete', { messageId: msg.id })).error.code).toBe('forbidden');
    now += 25 * 3600 * 1000;
    try {
      const late = await emitAck(aliceS, 'message:delete', { messageId: msg.id });
      expect(late).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(late.error.message).toMatch(/24 h/);
      // Editing has no window by default.
      expect((await emitAck(aliceS, 'message:edit', { messageId: msg.id, body: '期限後の修正' })).ok).toBe(true);
    } finally {
      now -= 25 * 3600 * 1000;
    }
    expect((await history(bob)).find((m) => m.id === msg.id)!.deletedAt).toBeUndefined();
  });
});

describe('replying', () => {
  it('a reply carries a snippet of the original, which follows its edit and is blanked when it is taken back', async () => {
    const original = await send(bobS, `予算の件です。${'詳細'.repeat(80)}`);
    const reply = await send(aliceS, '承知しました', { replyToId: original.id });
    expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, senderId: bob.user.id, body: [...original.body].slice(0, 100).join('') });

    await emitAck(bobS, 'message:edit', { messageId: original.id, body: '予算の件（訂正）' });
    expect((await history(carol)).find((m) => m.id === reply.id)!.replyTo!.body).toBe('予算の件（訂正）');

    await emitAck(bobS, 'message:delete', { messageId: original.id });
    const quoted = (await history(carol)).find((m) => m.id === reply.id)!;
    expect(quoted.replyTo!.body).toBe('');
    expect(quoted.replyTo!.deletedAt).toBeDefined();
    expect(JSON.stringify(quoted)).not.toContain('予算の件');
    // A reply to the taken-back message now quotes nothing of it.
    const late = await send(carolS, '何でしたか?', { replyToId: original.id });
    expect(late.replyTo).toMatchObject({ id: original.id, body: '' });
    expect(late.replyTo!.deletedAt).toBeDefined();
  });

  it('refuses a replyToId of another conversation (or none) with bad_request, storing nothing', async () => {
    const dm = await createConversation(alice, 'dm', [carol]);
    const elsewhere = await send(aliceS, '別の会話', {}, dm.id);
    const lastSeq = (await history(alice)).at(-1)!.seq;
    for (const replyToId of [elsewhere.id, '0123456789abcdef01234567']) {
      const ack = await emitAck(aliceS, 'message:send', { conversationId: group.id, clientMsgId: `bad-reply-${replyToId}`, body: '返信', replyToId });
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect((await history(alice)).at(-1)!.seq).toBe(lastSeq);
  });
});

describe('reactions', () => {
  it('members toggle their own stamps and emoji; every member sees who reacted', async () => {
    const msg = await send(aliceS, '資料を共有しました');
    const aliceLog = updates(aliceS);
    let ack = await emitAck(bobS, 'message:react', { messageId: msg.id, reaction: 'stamp:arigato', on: true });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    ack = await emitAck(carolS, 'message:react', { messageId: msg.id, reaction: 'stamp:arigato', on: true });
    ack = await emitAck(carolS, 'message:react', { messageId: msg.id, reaction: '👍🏽', on: true });
    expect(messageSchema.parse(ack.message).reactions).toEqual([
      { reaction: 'stamp:arigato', userIds: [bob.user.id, carol.user.id] },
      { reaction: '👍🏽', userIds: [carol.user.id] },
    ]);
    // On twice is still once; off removes only one's own.
    ack = await emitAck(bobS, 'message:react', { messageId: msg.id, reaction: 'stamp:arigato', on: true });
    expect(ack.message.reactions[0].userIds).toEqual([bob.user.id, carol.user.id]);
    ack = await emitAck(bobS, 'message:react', { messageId: msg.id, reaction: 'stamp:arigato', on: false });
    expect(ack.message.reactions).toEqual([
      { reaction: 'stamp:arigato', userIds: [carol.user.id] },
      { reaction: '👍🏽', userIds: [carol.user.id] },
    ]);
    await aliceLog.until((e) => e.filter((x) => x.message.id === msg.id).length === 4);
    expect(aliceLog.events.at(-1)!.message).toEqual(ack.message);
    expect((await history(alice)).find((m) => m.id === msg.id)).toEqual(ack.message);
  });

  it('refuses free text, two emoji, and anyone who is not a member', async () => {
    const msg = await send(aliceS, 'リアクションの検査');
    for (const reaction of ['了解', 'hello', '👍👍', '<b>', '', 'stamp:unknown']) {
      expect((await emitAck(bobS, 'message:react', { messageId: msg.id, reaction, on: true })).error.code, reaction).toBe('bad_request');
    }
    expect((await emitAck(outsiderS, 'message:react', { messageId: msg.id, reaction: '👍', on: true })).error.code).toBe('forbidden');
    expect((await history(alice)).find((m) => m.id === msg.id)!.reactions).toBeUndefined();
  });
});

describe('確認依頼 (acknowledgement requests)', () => {
  it('recipients confirm once (idempotently); the sender sees who confirmed and who not; outsiders see nothing', async () => {
    const ask = await send(aliceS, '明日の資料を確認してください', { ackRequested: true });
    expect(ask).toMatchObject({ ackRequested: true, ackCount: 0 });
    const aliceLog = updates(aliceS);

    expect((await emitAck(bobS, 'message:ack', { messageId: ask.id })).ok).toBe(true);
    expect((await emitAck(bobS, 'message:ack', { messageId: ask.id })).ok).toBe(true);
    await aliceLog.until(forMessage(ask.id));
    expect(aliceLog.events.at(-1)!.message.ackCount).toBe(1);

    const acks = acksAnswerSchema.parse((await alice.api.get(`/api/messages/${ask.id}/acks`)).body);
    expect(acks).toEqual({ acked: [bob.user.id], pending: [carol.user.id] });
    expect((await carol.api.get(`/api/messages/${ask.id}/acks`)).body).toEqual(acks);
    expect((await outsider.api.get(`/api/messages/${ask.id}/acks`)).status).toBe(403);

    expect((await emitAck(aliceS, 'message:ack', { messageId: ask.id })).error.code).toBe('bad_request');
    expect((await emitAck(outsiderS, 'message:ack', { messageId: ask.id })).error.code).toBe('forbidden');
    const plain = await send(aliceS, '確認依頼ではない');
    expect((await emitAck(bobS, 'message:ack', { messageId: plain.id })).error.code).toBe('bad_request');
    expect((await history(bob)).find((m) => m.id === ask.id)!.ackCount).toBe(1);
  });

  it('the sender reminds those pending (they get message:reminder, those who confirmed do not), at most once an hour', async () => {
    const ask = await send(aliceS, '出欠を確認してください', { ackRequested: true });
    await emitAck(bobS, 'message:ack', { messageId: ask.id });
    const bobReminders = new EventLog(bobS, 'message:reminder', messageReminderEventSchema);
    const carolReminders = new EventLog(carolS, 'message:reminder', messageReminderEventSchema);

    expect((await emitAck(bobS, 'message:remind', { messageId: ask.id })).error.code).toBe('forbidden');
    const first = await emitAck(aliceS, 'message:remind', { messageId: ask.id });
    expect(first).toEqual({ ok: true, reminded: 1 });
    const [reminder] = await carolReminders.until((e) => e.length === 1);
    expect(reminder).toMatchObject({ conversationId: group.id, messageId: ask.id, senderId: alice.user.id });
    expect(reminder!.message.body).toBe('出欠を確認してください');

    const again = await emitAck(aliceS, 'message:remind', { messageId: ask.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(again.error.retryAfterS).toBeGreaterThan(3500);
    // The limit is in the database: it holds for every process and after a restart.
    expect((await stored(ask.id))!.remindedAt).toBeInstanceOf(Date);

    now = Date.now() + 3601 * 1000;
    try {
      expect(await emitAck(aliceS, 'message:remind', { messageId: ask.id })).toEqual({ ok: true, reminded: 1 });
    } finally {
      now = Date.now();
    }
    await carolReminders.until((e) => e.length === 2);
    await settle(bobS);
    expect(bobReminders.events).toEqual([]);
  });
});

describe('pins', () => {
  it('members pin and unpin; the pinned list shows the latest pinned first; outsiders are refused', async () => {
    const a = await send(aliceS, '議事録はこちら');
    const b = await send(bobS, '締切は金曜です');
    const carolLog = updates(carolS);
    expect((await emitAck(bobS, 'message:pin', { messageId: a.id, on: true })).message.pinnedBy).toBe(bob.user.id);
    now += 1000;
    try {
      expect((await emitAck(carolS, 'message:pin', { messageId: b.id, on: true })).ok).toBe(true);
    } finally {
      now -= 1000;
    }
    await carolLog.until(forMessage(a.id));
    let pins = pinsAnswerSchema.parse((await alice.api.get(`/api/conversations/${group.id}/pins`)).body);
    expect(pins.messages.map((m) => m.id).slice(0, 2)).toEqual([b.id, a.id]);
    expect((await outsider.api.get(`/api/conversations/${group.id}/pins`)).status).toBe(403);
    expect((await emitAck(outsiderS, 'message:pin', { messageId: a.id, on: true })).error.code).toBe('forbidden');

    const off = await emitAck(aliceS, 'message:pin', { messageId: a.id, on: false });
    expect(off.message.pinnedAt).toBeUndefined();
    pins = pinsAnswerSchema.parse((await alice.api.get(`/api/conversations/${group.id}/pins`)).body);
    expect(pins.messages.map((m) => m.id)).not.toContain(a.id);
  });
});

describe('events', () => {
  it('new messages still arrive as message:new with the reply and the request on them', async () => {
    const log = new EventLog(carolS, 'message:new', messageNewEventSchema);
    const q = await send(bobS, '質問です');
    const r = await send(aliceS, '回答です', { replyToId: q.id, ackRequested: true });
    const [event] = (await log.until((e) => e.some((x) => x.message.id === r.id))).filter((x) => x.message.id === r.id);
    expect(event!.message).toEqual(r);
  });
});
