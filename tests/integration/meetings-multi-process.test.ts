import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingUpdatedEventSchema, meetingWarningEventSchema, type Meeting } from '../../shared/schemas/meetings.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { hasRedisServer, startRedis } from '../support/redis.js';
import { connectSocket, emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const systemTypes = async (api: Api, conversationId: string) =>
  ((await api.get(`/api/conversations/${conversationId}/messages?limit=200`)).body.messages as { system?: { type: string } }[])
    .filter((m) => m.system)
    .map((m) => m.system!.type);

// .ci/run installs Debian's redis-server, so this runs in CI; without the binary it cannot run.
describe.runIf(hasRedisServer)('two server processes sweeping the same meetings', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clock = { offset: 0 };
  let a: TestServer;
  let b: ChildServer;
  let host: SignedIn;
  let bob: SignedIn;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestServer({ clock: () => new Date(Date.now() + clock.offset), config: { REDIS_URL: redis.url } });
    b = await startChildServer(a.dbUri, { REDIS_URL: redis.url }, 0, { settableClock: true });
    ({ people: [host, bob] } = (await createTeam(a.url, 2)) as unknown as { people: SignedIn[] });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  /** Both processes' clocks move together, as one wall clock does. */
  async function moveClocks(ms: number) {
    clock.offset = ms;
    await b.setClockOffset(ms);
  }

  it('the warning and the automatic end each happen exactly once: one end notice, one summary', async () => {
    await moveClocks(0);
    const group = await createConversation(host, 'group', [bob]);
    const meeting = (await host.api.post('/api/meetings', { topic: '二重終了なし', memberIds: [bob.user.id], durationMin: 5, fromConversationId: group.id })).body as Meeting;
    // Bob is connected to the other process: what process A decides reaches him through Redis, and the other way round.
    const onB = await connectSocket(b.url, bob.token);
    const onA = await connectSocket(a.url, host.token);
    sockets.push(onA, onB);
    const warnings = new EventLog(onB, 'meeting:warning', meetingWarningEventSchema);
    const hostWarnings = new EventLog(onA, 'meeting:warning', meetingWarningEventSchema);
    const ends = new EventLog(onB, 'meeting:updated', meetingUpdatedEventSchema);
    await bob.api.post(`/api/meetings/${meeting.id}/join`);
    // A send through B while it runs: B now holds the conversation's membership in its cache.
    const before = await emitAck(onB, 'message:send', { conversationId: meeting.conversationId, clientMsgId: 'before-end-0001', body: '発言します' });
    expect(before.ok).toBe(true);

    await moveClocks(4 * 60_000 + 20_000);
    await warnings.until((e) => e.length === 1);
    await hostWarnings.until((e) => e.length === 1);

    await moveClocks(5 * 60_000 + 5_000);
    const viaB = new Api(b.url, bob.token);
    await until(() => viaB.get(`/api/meetings/${meeting.id}`), (r) => r.body.state === 'ended');
    await ends.until((e) => e.some((x) => x.meeting.state === 'ended'));
    // Both processes keep sweeping; give each several more passes, then count.
    for (let i = 0; i < 3; i++) await a.server.services.meetings.sweep();
    await settle(onB);
    await settle(onA);

    expect(await systemTypes(viaB, meeting.conversationId)).toEqual(['meeting_invited', 'meeting_started', 'meeting_joined', 'meeting_joined', 'meeting_ended']);
    expect((await systemTypes(viaB, group.id)).filter((x) => x === 'meeting_summary')).toHaveLength(1);
    expect(warnings.events).toHaveLength(1);
    expect(hostWarnings.events).toHaveLength(1);
    expect(ends.events.filter((x) => x.meeting.state === 'ended')).toHaveLength(1);
    // The end, made by whichever process won, makes the conversation read-only on B too (its cached membership was dropped).
    const refused = await emitAck(onB, 'message:send', { conversationId: meeting.conversationId, clientMsgId: 'after-end-0001', body: '遅れて発言' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
