import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import {
  meetingInvitedEventSchema,
  meetingMarkEventSchema,
  meetingSchema,
  meetingUpdatedEventSchema,
  minutesSchema,
  todoSchema,
  type Meeting,
} from '../../shared/schemas/meetings.js';
import { createConversation, createDepartment, createTeam, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

async function open(who: SignedIn): Promise<ClientSocket> {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}

/** `2026-12-04 10:00` in Japan (UTC+9, no daylight saving), worked out here independently of the server. */
function jst(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

let n = 0;
const send = async (socket: ClientSocket, conversationId: string, body: string) =>
  emitAck(socket, 'message:send', { conversationId, clientMsgId: `mtg-${Date.now()}-${++n}`, body });

describe('a quick meeting from start to minutes', () => {
  let host: SignedIn, bob: SignedIn, carol: SignedIn, erin: SignedIn, dave: SignedIn;
  let group: { id: string };
  let meeting: Meeting;
  let bobSocket: ClientSocket;
  let invited: EventLog<typeof meetingInvitedEventSchema>;
  let updated: EventLog<typeof meetingUpdatedEventSchema>;
  let marked: EventLog<typeof meetingMarkEventSchema>;
  const said: Record<string, string> = {};

  beforeAll(async () => {
    ({ people: [host, bob, carol, erin, dave] } = (await createTeam(t.url, 5)) as unknown as { people: SignedIn[] });
    group = await createConversation(host, 'group', [bob, carol, erin, dave], '係会議');
    bobSocket = await open(bob);
    invited = new EventLog(bobSocket, 'meeting:invited', meetingInvitedEventSchema);
    updated = new EventLog(bobSocket, 'meeting:updated', meetingUpdatedEventSchema);
    marked = new EventLog(bobSocket, 'meeting:mark', meetingMarkEventSchema);
  });

  it('starts a meeting from a group: the host is in it, and each invitee gets a real-time invitation', async () => {
    const res = await host.api.post('/api/meetings', {
      topic: '来年度の予算',
      memberIds: [bob.user.id, carol.user.id, erin.user.id],
      durationMin: 15,
      agenda: ['概算の確認', '日程'],
      fromConversationId: group.id,
    });
    expect(res.status).toBe(201);
    meeting = meetingSchema.parse(res.body);
    expect(meeting).toMatchObject({ topic: '来年度の予算', state: 'running', hostId: host.user.id, agenda: ['概算の確認', '日程'], agendaDone: [false, false], durationMin: 15 });
    expect(meeting.memberIds).toEqual([host.user.id, bob.user.id, carol.user.id, erin.user.id]);
    expect(new Date(meeting.endsAt).getTime() - new Date(meeting.startsAt).getTime()).toBe(15 * 60_000);
    expect(meeting.participants.find((p) => p.userId === host.user.id)).toMatchObject({ joined: true });
    const [event] = await invited.until((e) => e.length === 1);
    expect(event).toEqual({ meeting, invitedBy: host.user.id });
    // Dave is in the group but not invited: the meeting is not his.
    expect((await dave.api.get(`/api/meetings/${meeting.id}`)).status).toBe(403);
  });

  it('joining, talking, ticking the agenda: every change reaches the members, and their copy equals a fresh read', async () => {
    const joined = await bob.api.post(`/api/meetings/${meeting.id}/join`);
    expect(joined.status).toBe(200);
    expect(joined.body.participants.find((p: { userId: string }) => p.userId === bob.user.id)).toMatchObject({ joined: true, spans: [{ joinedAt: expect.any(String) }] });
    // Joining again changes nothing.
    const again = await bob.api.post(`/api/meetings/${meeting.id}/join`);
    expect(again.body).toEqual(joined.body);

    const hostSocket = await open(host);
    said.decision = (await send(hostSocket, meeting.conversationId, '概算は前年比5%増で要求する')).message.id;
    said.todo = (await send(bobSocket, meeting.conversationId, '財政課に日程を確認します')).message.id;
    const ticked = await host.api.post(`/api/meetings/${meeting.id}/agenda`, { index: 0, done: true });
    expect(ticked.body.agendaDone).toEqual([true, false]);

    await updated.until((e) => e.some((x) => x.meeting.agendaDone[0] === true));
    const fresh = (await bob.api.get(`/api/meetings/${meeting.id}`)).body;
    expect(updated.events.at(-1)!.meeting).toEqual(fresh);
  });

  it('a late joiner sees everything said so far', async () => {
    await carol.api.post(`/api/meetings/${meeting.id}/join`);
    const history = (await carol.api.get(`/api/conversations/${meeting.conversationId}/messages`)).body.messages as { body: string; system?: { type: string } }[];
    expect(history.map((m) => m.body)).toEqual(expect.arrayContaining(['概算は前年比5%増で要求する', '財政課に日程を確認します']));
    expect(history.filter((m) => m.system).map((m) => m.system!.type)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined', 'meeting_joined', 'meeting_joined']);
  });

  it('marks a decision and a ToDo for a participant, told to the members', async () => {
    const decision = await bob.api.post(`/api/meetings/${meeting.id}/marks`, { messageId: said.decision, kind: 'decision' });
    expect(decision.status).toBe(201);
    expect(decision.body).toMatchObject({ kind: 'decision', body: '概算は前年比5%増で要求する', createdBy: bob.user.id });
    const todo = await host.api.post(`/api/meetings/${meeting.id}/marks`, { messageId: said.todo, kind: 'todo', assigneeId: carol.user.id, dueDate: '2026-12-18' });
    expect(todo.status).toBe(201);
    expect(todo.body).toMatchObject({ kind: 'todo', assigneeId: carol.user.id, dueDate: '2026-12-18', done: false });
    // The same mark twice is a conflict; the list holds each once.
    expect((await host.api.post(`/api/meetings/${meeting.id}/marks`, { messageId: said.decision, kind: 'decision' })).status).toBe(409);
    const events = await marked.until((e) => e.length === 2);
    expect(events.map((e) => e.mark)).toEqual([decision.body, todo.body]);
    expect((await carol.api.get(`/api/meetings/${meeting.id}/marks`)).body.marks).toEqual([decision.body, todo.body]);
    // A mark made by mistake is taken back by whoever made it.
    const oops = await carol.api.post(`/api/meetings/${meeting.id}/marks`, { messageId: said.todo, kind: 'decision' });
    expect((await carol.api.delete(`/api/meetings/${meeting.id}/marks/${oops.body.id}`)).status).toBe(204);
    await marked.until((e) => e.some((x) => x.removed && x.mark.id === oops.body.id));
  });

  it('the host extends by 5 minutes; the end of the time box moves and is recorded', async () => {
    const before = (await host.api.get(`/api/meetings/${meeting.id}`)).body as Meeting;
    const res = await host.api.post(`/api/meetings/${meeting.id}/extend`, { minutes: 5 });
    expect(res.status).toBe(200);
    expect(new Date(res.body.endsAt).getTime() - new Date(before.endsAt).getTime()).toBe(5 * 60_000);
  });

  it('the host ends it: read-only, the summary goes to the group, 会議中 spans are closed', async () => {
    const groupSocket = await open(dave);
    const groupLog = new EventLog(groupSocket, 'message:new', messageNewEventSchema);
    const { cursor } = (await bob.api.post('/api/sync', {})).body;
    const res = await host.api.post(`/api/meetings/${meeting.id}/end`);
    expect(res.status).toBe(200);
    meeting = meetingSchema.parse(res.body);
    expect(meeting.state).toBe('ended');
    expect(meeting.participants.every((p) => !p.joined && p.spans.every((s) => s.leftAt))).toBe(true);
    expect((await host.api.post(`/api/meetings/${meeting.id}/end`)).status).toBe(409);

    const refused = await send(bobSocket, meeting.conversationId, 'まだ話したい');
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: '終了した打ち合わせには送信できません' } });
    // The record is final: no edit or take-back either.
    expect(await emitAck(bobSocket, 'message:edit', { messageId: said.todo, body: '書き換え' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await emitAck(bobSocket, 'message:delete', { messageId: said.todo })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const [summary] = await groupLog.until((e) => e.some((x) => x.message.system?.type === 'meeting_summary'));
    const text = groupLog.events.find((x) => x.message.system?.type === 'meeting_summary')!.message;
    expect(summary).toBeDefined();
    expect(text.conversationId).toBe(group.id);
    expect(text.system).toMatchObject({ type: 'meeting_summary', meetingId: meeting.id, title: '来年度の予算' });
    expect(text.body).toContain('来年度の予算');
    expect(text.body).toContain('概算は前年比5%増で要求する');
    expect(text.body).toContain('財政課に日程を確認します');
    expect(text.body).toContain(`/meetings/${meeting.id}/minutes`);

    const record = (await host.api.get(`/api/conversations/${meeting.conversationId}/messages`)).body.messages as { system?: { type: string; minutes?: number } }[];
    const types = record.filter((m) => m.system).map((m) => m.system!.type);
    expect(types.slice(-2)).toEqual(['meeting_extended', 'meeting_ended']);
    expect(record.find((m) => m.system?.type === 'meeting_extended')!.system!.minutes).toBe(5);
    expect((await bob.api.get(`/api/conversations/${meeting.conversationId}`)).body).toMatchObject({ kind: 'meeting', meetingId: meeting.id, closedAt: meeting.endedAt });
    // A client catching up after the end learns it too.
    const caughtUp = (await bob.api.post('/api/sync', { cursor })).body;
    expect(caughtUp.conversations.find((c: { id: string }) => c.id === meeting.conversationId)).toMatchObject({ closedAt: meeting.endedAt });
  });

  it('the minutes hold attendees with times, the absentee, agenda, decisions, ToDos and the transcript', async () => {
    const json = await carol.api.get(`/api/meetings/${meeting.id}/minutes?format=json`);
    expect(json.status).toBe(200);
    const minutes = minutesSchema.parse(json.body);
    expect(minutes.title).toBe('来年度の予算');
    expect(minutes.dateText).toBe(`${jst(meeting.startsAt)}–${jst(meeting.endedAt!).slice(11)}`);
    expect(minutes.host).toEqual({ userId: host.user.id, name: host.user.name });
    expect(minutes.attendees.map((a) => a.name)).toEqual([host.user.name, bob.user.name, carol.user.name]);
    expect(minutes.absentees).toEqual([{ userId: erin.user.id, name: erin.user.name }]);
    expect(minutes.agenda).toEqual([{ text: '概算の確認', done: true }, { text: '日程', done: false }]);
    expect(minutes.decisions.map((d) => d.body)).toEqual(['概算は前年比5%増で要求する']);
    expect(minutes.todos).toEqual([expect.objectContaining({ body: '財政課に日程を確認します', assigneeName: carol.user.name, dueDate: '2026-12-18' })]);
    expect(minutes.transcript.filter((l) => !l.system).map((l) => [l.senderName, l.body])).toEqual([
      [host.user.name, '概算は前年比5%増で要求する'],
      [bob.user.name, '財政課に日程を確認します'],
    ]);

    const md = await carol.api.get(`/api/meetings/${meeting.id}/minutes?format=md`);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown; charset=utf-8/);
    expect(md.headers.get('content-disposition')).toContain('attachment');
    const text = md.body as string;
    expect(text).toContain('# 議事録: 来年度の予算');
    expect(text).toContain(`日時: ${jst(meeting.startsAt)}`);
    expect(text).toContain(`${host.user.name}（${jst(meeting.startsAt).slice(11)}–${jst(meeting.endedAt!).slice(11)}）`);
    expect(text).toContain(`欠席者: ${erin.user.name}`);
    expect(text).toContain('- [x] 概算の確認');
    expect(text).toContain('- [ ] 日程');
    expect(text).toContain(`財政課に日程を確認します（担当: ${carol.user.name}、期限: 2026-12-18）`);

    // Raw bytes: fetch's text() would drop the byte order mark the spreadsheet needs.
    const raw = await fetch(`${t.url}/api/meetings/${meeting.id}/minutes?format=csv`, { headers: { authorization: `Bearer ${carol.token}` } });
    expect(raw.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('"区分","日時","氏名","内容","状態"');
    expect(lines).toContain(`"欠席者","","${erin.user.name}","",""`);
    expect(lines).toContain('"議題","","","概算の確認","済"');
    expect(lines).toContain(`"ToDo","2026-12-18","${carol.user.name}","財政課に日程を確認します","未完了"`);
    expect(lines.some((l) => l.startsWith(`"発言","${jst(meeting.startsAt).slice(0, 10)}`) && l.includes('"概算は前年比5%増で要求する"'))).toBe(true);
  });

  it("the ToDo is in the assignee's list until done, and ticking it tells the members", async () => {
    const open = await carol.api.get('/api/todos?done=false');
    expect(open.status).toBe(200);
    const [todo] = open.body.todos;
    expect(todoSchema.parse(todo)).toMatchObject({ body: '財政課に日程を確認します', meetingTopic: '来年度の予算', conversationId: meeting.conversationId, done: false });
    expect((await bob.api.get('/api/todos')).body.todos).toEqual([]);
    // Neither the assignee nor its maker: refused.
    expect((await erin.api.patch(`/api/todos/${todo.id}`, { done: true })).status).toBe(403);
    const done = await carol.api.patch(`/api/todos/${todo.id}`, { done: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: todo.id, done: true, doneAt: expect.any(String) });
    expect((await carol.api.get('/api/todos?done=false')).body.todos).toEqual([]);
    expect((await carol.api.get('/api/todos?done=true')).body.todos.map((x: { id: string }) => x.id)).toEqual([todo.id]);
    await marked.until((e) => e.some((x) => x.mark.id === todo.id && x.mark.done === true));
  });

  it('lists my meetings by state, searchable by topic and by participant', async () => {
    const past = await bob.api.get('/api/meetings?state=ended');
    expect(past.body.meetings.map((m: Meeting) => m.id)).toContain(meeting.id);
    expect((await bob.api.get('/api/meetings?state=running')).body.meetings.map((m: Meeting) => m.id)).not.toContain(meeting.id);
    expect((await bob.api.get(`/api/meetings?q=${encodeURIComponent('予算')}`)).body.meetings.map((m: Meeting) => m.id)).toContain(meeting.id);
    expect((await bob.api.get(`/api/meetings?q=${encodeURIComponent(erin.user.loginId)}`)).body.meetings.map((m: Meeting) => m.id)).toContain(meeting.id);
    expect((await bob.api.get(`/api/meetings?q=${encodeURIComponent('存在しない話題')}`)).body.meetings).toEqual([]);
    expect((await dave.api.get('/api/meetings')).body.meetings).toEqual([]);
  });
});

describe('who may do what, and bad input', () => {
  let host: SignedIn, bob: SignedIn, outsider: SignedIn, boss: SignedIn, otherBoss: SignedIn;
  let meeting: Meeting;

  beforeAll(async () => {
    const admin = await loginAdmin(t.url);
    const parent = await createDepartment(admin, `部 ${Date.now().toString(36)}`);
    const section = await createDepartment(admin, `課 ${Date.now().toString(36)}`, parent.id);
    const elsewhere = await createDepartment(admin, `別課 ${Date.now().toString(36)}`);
    host = await createUser(admin, section.id);
    bob = await createUser(admin, section.id);
    outsider = await createUser(admin, section.id);
    boss = await createUser(admin, parent.id, { role: 'supervisor' });
    otherBoss = await createUser(admin, elsewhere.id, { role: 'supervisor' });
    meeting = (await host.api.post('/api/meetings', { topic: '権限の確認', memberIds: [bob.user.id, boss.user.id, otherBoss.user.id], durationMin: 30 })).body;
  });

  it('someone not invited can neither read, join, mark nor send', async () => {
    expect((await outsider.api.get(`/api/meetings/${meeting.id}`)).status).toBe(403);
    expect((await outsider.api.get(`/api/meetings/${meeting.id}/minutes`)).status).toBe(403);
    expect((await outsider.api.get(`/api/meetings/${meeting.id}/marks`)).status).toBe(403);
    expect((await outsider.api.post(`/api/meetings/${meeting.id}/join`)).status).toBe(403);
    expect((await outsider.api.get(`/api/conversations/${meeting.conversationId}/messages`)).status).toBe(403);
    const s = await open(outsider);
    const ack = await send(s, meeting.conversationId, '覗き見');
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await outsider.api.get('/api/meetings/0123456789abcdef01234567')).status).toBe(404);
  });

  it('a participant who is not the host, nor a supervisor above the host, can neither extend nor end', async () => {
    expect((await bob.api.post(`/api/meetings/${meeting.id}/extend`, { minutes: 5 })).status).toBe(403);
    expect((await bob.api.post(`/api/meetings/${meeting.id}/end`)).status).toBe(403);
    expect((await otherBoss.api.post(`/api/meetings/${meeting.id}/end`)).status).toBe(403);
    const now = (await host.api.get(`/api/meetings/${meeting.id}`)).body;
    expect(now).toMatchObject({ state: 'running', endsAt: meeting.endsAt });
  });

  it("a supervisor of the host's department (or above) who takes part can extend and end", async () => {
    const extended = await boss.api.post(`/api/meetings/${meeting.id}/extend`, { minutes: 10 });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.endsAt).getTime() - new Date(meeting.endsAt).getTime()).toBe(10 * 60_000);
    // Anyone can leave, even without having joined: nothing changes then.
    expect((await bob.api.post(`/api/meetings/${meeting.id}/leave`)).status).toBe(200);
    expect((await boss.api.post(`/api/meetings/${meeting.id}/end`)).body.state).toBe('ended');
  });

  it('bad input is refused with 400 and changes nothing', async () => {
    const before = (await host.api.get('/api/meetings')).body.meetings.length;
    const base = { topic: '不正な入力', memberIds: [bob.user.id], durationMin: 15 };
    const bad = [
      { ...base, durationMin: 20 },
      { ...base, durationMin: '15' },
      { ...base, topic: '' },
      { ...base, topic: 'a'.repeat(101) },
      { ...base, memberIds: ['nope'] },
      { ...base, memberIds: [] },
      { ...base, agenda: [''] },
      { ...base, startsAt: new Date(Date.now() - 3600_000).toISOString() },
      { ...base, startsAt: new Date(Date.now() + 8 * 24 * 3600_000).toISOString() },
      { ...base, startsAt: 'tomorrow' },
      { ...base, hostId: bob.user.id },
    ];
    for (const body of bad) {
      const res = await host.api.post('/api/meetings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await host.api.get('/api/meetings')).body.meetings.length).toBe(before);

    const live = (await host.api.post('/api/meetings', base)).body as Meeting;
    expect((await host.api.post(`/api/meetings/${live.id}/extend`, { minutes: 7 })).status).toBe(400);
    expect((await host.api.post(`/api/meetings/${live.id}/agenda`, { index: 0, done: true })).status).toBe(400);
    const hostSocket = await open(host);
    const msg = (await send(hostSocket, live.conversationId, 'これはToDo')).message;
    const marks = [
      { messageId: msg.id, kind: 'todo' },
      { messageId: msg.id, kind: 'todo', assigneeId: outsider.user.id },
      { messageId: msg.id, kind: 'decision', assigneeId: bob.user.id },
      { messageId: msg.id, kind: 'todo', assigneeId: bob.user.id, dueDate: '2026-02-30' },
      { messageId: msg.id, kind: 'idea' },
      { messageId: meeting.id, kind: 'decision' },
    ];
    for (const body of marks) expect((await host.api.post(`/api/meetings/${live.id}/marks`, body)).status, JSON.stringify(body)).toBe(400);
    expect((await host.api.get(`/api/meetings/${live.id}/marks`)).body.marks).toEqual([]);
    expect((await host.api.get(`/api/meetings/${live.id}`)).body.endsAt).toBe(live.endsAt);
    // A meeting's conversation is made only through /api/meetings.
    expect((await host.api.post('/api/conversations', { kind: 'meeting', memberIds: [bob.user.id] })).status).toBe(400);
  });
});

describe('a meeting scheduled for later', () => {
  it('waits: joining early is a conflict, and it is listed as upcoming', async () => {
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const startsAt = new Date(Date.now() + 2 * 3600_000).toISOString();
    const res = await host!.api.post('/api/meetings', { topic: '午後の打ち合わせ', memberIds: [bob!.user.id], durationMin: 10, startsAt });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'scheduled', startsAt });
    expect(res.body.participants.every((p: { joined: boolean }) => !p.joined)).toBe(true);
    expect((await bob!.api.post(`/api/meetings/${res.body.id}/join`)).status).toBe(409);
    expect((await bob!.api.get('/api/meetings?state=scheduled')).body.meetings.map((m: Meeting) => m.id)).toEqual([res.body.id]);
  });
});
