import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { meetingUpdatedEventSchema, meetingWarningEventSchema, type Meeting } from '../../shared/schemas/meetings.js';
import { createConversation, createTeam, login, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

const servers: TestServer[] = [];
const sockets: ClientSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) await s.stop();
});

/** A server whose wall clock the test moves: `clock.offset` ms ahead of real time. */
async function serverWithClock(dbUri?: string, offset = 0) {
  const clock = { offset };
  const t = await startTestServer({ ...(dbUri ? { dbUri } : {}), clock: () => new Date(Date.now() + clock.offset), config: { PRESENCE_COALESCE_MS: 50 } });
  servers.push(t);
  return { t, clock };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function open(url: string, who: SignedIn) {
  const s = await connectSocket(url, who.token);
  sockets.push(s);
  return s;
}

const systemTypes = async (who: SignedIn, conversationId: string) =>
  ((await who.api.get(`/api/conversations/${conversationId}/messages?limit=200`)).body.messages as { system?: { type: string } }[])
    .filter((m) => m.system)
    .map((m) => m.system!.type);

describe('the time box, on the clock', () => {
  it('warns once a minute before the end, then ends by itself at zero, at its end time', async () => {
    const { t, clock } = await serverWithClock();
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const meeting = (await host!.api.post('/api/meetings', { topic: '自動終了', memberIds: [bob!.user.id], durationMin: 5 })).body as Meeting;
    const s = await open(t.url, bob!);
    const warnings = new EventLog(s, 'meeting:warning', meetingWarningEventSchema);
    const updates = new EventLog(s, 'meeting:updated', meetingUpdatedEventSchema);

    clock.offset = 4 * 60_000 + 5_000; // 55 s left
    await warnings.until((e) => e.length === 1);
    expect(warnings.events[0]).toEqual({ meetingId: meeting.id, endsAt: meeting.endsAt });
    // Further sweeps within the last minute do not warn again.
    await t.server.services.meetings.sweep();
    await settle(s);
    expect(warnings.events).toHaveLength(1);

    clock.offset = 5 * 60_000 + 1_000;
    const [ended] = (await updates.until((e) => e.some((x) => x.meeting.state === 'ended'))).filter((x) => x.meeting.state === 'ended');
    expect(ended!.meeting.endedAt).toBe(meeting.endsAt);
    expect(await systemTypes(host!, meeting.conversationId)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined', 'meeting_ended']);
    expect(warnings.events).toHaveLength(1);
  });

  it('an extension after the warning moves the end, and warns again a minute before the new end', async () => {
    const { t, clock } = await serverWithClock();
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const meeting = (await host!.api.post('/api/meetings', { topic: '延長', memberIds: [bob!.user.id], durationMin: 5 })).body as Meeting;
    const s = await open(t.url, bob!);
    const warnings = new EventLog(s, 'meeting:warning', meetingWarningEventSchema);
    clock.offset = 4 * 60_000 + 30_000;
    await warnings.until((e) => e.length === 1);
    const extended = (await host!.api.post(`/api/meetings/${meeting.id}/extend`, { minutes: 10 })).body as Meeting;
    clock.offset = 5 * 60_000 + 30_000; // past the old end: still running
    await t.server.services.meetings.sweep();
    expect((await bob!.api.get(`/api/meetings/${meeting.id}`)).body.state).toBe('running');
    clock.offset = 14 * 60_000 + 30_000;
    await warnings.until((e) => e.length === 2);
    expect(warnings.events[1]).toEqual({ meetingId: meeting.id, endsAt: extended.endsAt });
    // At zero, an extension is too late.
    clock.offset = 15 * 60_000 + 500;
    const late = await host!.api.post(`/api/meetings/${meeting.id}/extend`, { minutes: 5 });
    expect(late.status).toBe(409);
    await until(() => bob!.api.get(`/api/meetings/${meeting.id}`), (r) => r.body.state === 'ended');
  });

  it('a scheduled meeting starts at its time and everyone invited is told (the reminder)', async () => {
    const { t, clock } = await serverWithClock();
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const startsAt = new Date(Date.now() + 30 * 60_000).toISOString();
    const meeting = (await host!.api.post('/api/meetings', { topic: '定例', memberIds: [bob!.user.id], durationMin: 10, startsAt })).body as Meeting;
    expect(meeting.state).toBe('scheduled');
    const s = await open(t.url, bob!);
    const updates = new EventLog(s, 'meeting:updated', meetingUpdatedEventSchema);
    clock.offset = 30 * 60_000 + 1_000;
    const events = await updates.until((e) => e.some((x) => x.meeting.state === 'running'));
    expect(events.filter((x) => x.meeting.state === 'running')).toHaveLength(1);
    expect((await bob!.api.post(`/api/meetings/${meeting.id}/join`)).status).toBe(200);
    expect(await systemTypes(bob!, meeting.conversationId)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined']);
  });

  it('survives a restart: a server started after the end time ends the meeting once, with one summary', async () => {
    const first = await serverWithClock();
    const { people: [host, bob] } = await createTeam(first.t.url, 2);
    const group = await createConversation(host!, 'group', [bob!]);
    const meeting = (await host!.api.post('/api/meetings', { topic: '再起動', memberIds: [bob!.user.id], durationMin: 10, fromConversationId: group.id })).body as Meeting;
    await first.t.stop();
    servers.splice(servers.indexOf(first.t), 1);

    const second = await serverWithClock(first.t.dbUri, 20 * 60_000);
    const hostAgain = await login(second.t.url, host!.user.loginId, host!.password);
    const ended = await until(() => hostAgain.api.get(`/api/meetings/${meeting.id}`), (r) => r.body.state === 'ended');
    expect(ended.body.endedAt).toBe(meeting.endsAt);
    // More sweeps change nothing.
    await second.t.server.services.meetings.sweep();
    await second.t.server.services.meetings.sweep();
    expect(await systemTypes(hostAgain, meeting.conversationId)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined', 'meeting_ended']);
    expect((await systemTypes(hostAgain, group.id)).filter((x) => x === 'meeting_summary')).toHaveLength(1);
  });
});

describe('the notices of an end are not lost', () => {
  it('when the process that ended a meeting died before its notices, a sweep after the lease redoes them once', async () => {
    const { t, clock } = await serverWithClock();
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const group = await createConversation(host!, 'group', [bob!]);
    const meeting = (await host!.api.post('/api/meetings', { topic: '途中で停止', memberIds: [bob!.user.id], durationMin: 10, fromConversationId: group.id })).body as Meeting;
    // What a process leaves behind when it dies right after winning the end: the state and the
    // lease are stored (one update, as meetings.service.ts writes them), nothing else happened yet.
    const endedAt = new Date(Date.now() + 60_000);
    await t.server.services.conn
      .collection('meetings')
      .updateOne({ _id: new Types.ObjectId(meeting.id) }, { $set: { state: 'ended', endedAt, wrapUpUntil: new Date(endedAt.getTime() + 30_000) } });
    await t.server.services.meetings.sweep();
    // Within the lease nobody else touches it: the winner may still be at work.
    expect((await systemTypes(host!, meeting.conversationId)).at(-1)).toBe('meeting_joined');

    clock.offset = 2 * 60_000;
    await until(() => systemTypes(host!, meeting.conversationId), (types) => types.at(-1) === 'meeting_ended');
    await t.server.services.meetings.sweep();
    expect(await systemTypes(host!, meeting.conversationId)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined', 'meeting_ended']);
    expect((await systemTypes(host!, group.id)).filter((x) => x === 'meeting_summary')).toHaveLength(1);
    const s = await open(t.url, bob!);
    const refused = await emitAck(s, 'message:send', { conversationId: meeting.conversationId, clientMsgId: 'after-lease-0001', body: '送れますか' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('会議中 follows the meeting', () => {
  it('shows in_meeting while joined, returns to available after leaving and after the end; a hand-set busy stays', async () => {
    const { t } = await serverWithClock();
    const { people: [host, bob, watcher] } = await createTeam(t.url, 3);
    const bobSocket = await open(t.url, bob!);
    const w = await open(t.url, watcher!);
    const log = new PresenceLog(w);
    // Bob's own arrival may have been pushed before the watch: the watch's answer is the start.
    const initial = await watch(w, [bob!.user.id]);
    const availability = () => (log.last(bob!.user.id) ?? initial.get(bob!.user.id))?.availability;
    expect(availability()).toBe('available');

    const meeting = (await host!.api.post('/api/meetings', { topic: '在席表示', memberIds: [bob!.user.id], durationMin: 15 })).body as Meeting;
    await bob!.api.post(`/api/meetings/${meeting.id}/join`);
    await log.until(() => availability() === 'in_meeting');
    expect((await watcher!.api.get(`/api/users?q=${bob!.user.loginId}`)).body[0].presence.availability).toBe('in_meeting');
    await bob!.api.post(`/api/meetings/${meeting.id}/leave`);
    await log.until(() => availability() === 'available');

    await bob!.api.post(`/api/meetings/${meeting.id}/join`);
    await log.until(() => availability() === 'in_meeting');
    await host!.api.post(`/api/meetings/${meeting.id}/end`);
    await log.until(() => availability() === 'available');

    const second = (await host!.api.post('/api/meetings', { topic: '手動設定', memberIds: [bob!.user.id], durationMin: 15 })).body as Meeting;
    await bob!.api.post(`/api/meetings/${second.id}/join`);
    await log.until(() => availability() === 'in_meeting');
    const set = await emitAck(bobSocket, 'presence:set', { availability: 'busy' });
    expect(set.presence.availability).toBe('busy');
    await log.until(() => availability() === 'busy');
    await host!.api.post(`/api/meetings/${second.id}/end`);
    await t.server.services.meetings.sweep();
    await settle(w);
    expect((await watcher!.api.get(`/api/users?q=${bob!.user.loginId}`)).body[0].presence.availability).toBe('busy');
  });
});

describe('events parse with their shared schemas', () => {
  it('message:new of a meeting notice carries the meeting id', async () => {
    const { t } = await serverWithClock();
    const { people: [host, bob] } = await createTeam(t.url, 2);
    const s = await open(t.url, bob!);
    const messages = new EventLog(s, 'message:new', messageNewEventSchema);
    const meeting = (await host!.api.post('/api/meetings', { topic: '通知', memberIds: [bob!.user.id], durationMin: 5 })).body as Meeting;
    const events = await messages.until((e) => e.length === 3);
    expect(events.map((e) => e.message.system)).toEqual([
      { type: 'meeting_invited', userIds: [bob!.user.id], meetingId: meeting.id },
      { type: 'meeting_started', meetingId: meeting.id },
      { type: 'meeting_joined', userIds: [host!.user.id], meetingId: meeting.id },
    ]);
  });
});
