import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createConversation, createTeam, login, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { PresenceLog, watch } from '../support/presence.js';
import { hasRedisServer, startRedis } from '../support/redis.js';
import { connectSocket, emitAck, EventLog, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// .ci/run installs Debian's redis-server, so this runs in CI; without the binary it cannot run.
describe.runIf(hasRedisServer)('two server processes with the Redis adapter (REDIS_URL)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: ChildServer;
  let alice: SignedIn;
  let bob: SignedIn;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestServer({ config: { REDIS_URL: redis.url, PRESENCE_COALESCE_MS: 50 } });
    b = await startChildServer(a.dbUri, { REDIS_URL: redis.url, PRESENCE_COALESCE_MS: 50 });
    ({ people: [alice, bob] } = await createTeam(a.url, 2));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it('delivers a message sent through one process to a member connected to the other', async () => {
    const conv = await createConversation(alice, 'dm', [bob]);
    const onB = await connectSocket(b.url, bob.token);
    const onA = await connectSocket(a.url, alice.token);
    sockets.push(onA, onB);
    const log = new EventLog(onB, 'message:new', messageNewEventSchema);
    const ack = await emitAck(onA, 'message:send', { conversationId: conv.id, clientMsgId: 'cross-0001', body: '別プロセスへ' });
    const [event] = await log.until((e) => e.length === 1);
    expect(event!.message).toEqual(ack.message);
  });

  it('pushes a telework start made on one process as presence to sockets on the other', async () => {
    const watcher = await connectSocket(b.url, bob.token);
    sockets.push(watcher);
    const log = new PresenceLog(watcher);
    await watch(watcher, [alice.user.id]);
    await alice.api.post('/api/telework/sessions', {});
    await log.until((e) => e.some((x) => x.userId === alice.user.id && x.presence.state === 'teleworking'));
  });

  it('derives presence from connections on every process: telework ended through the other process gives in_office', async () => {
    const { people: [carol, dave] } = await createTeam(a.url, 2);
    const daveOnA = await connectSocket(a.url, dave!.token);
    const log = new PresenceLog(daveOnA);
    await watch(daveOnA, [carol!.user.id]);
    const carolOnA = await connectSocket(a.url, carol!.token);
    sockets.push(carolOnA, daveOnA);
    const mine = () => log.of(carol!.user.id).map((p) => p.state);
    await log.until(() => mine().at(-1) === 'in_office');
    const viaB = new Api(b.url, carol!.token);
    const s = (await viaB.post('/api/telework/sessions', {})).body;
    await log.until(() => mine().at(-1) === 'teleworking');
    await viaB.post(`/api/telework/sessions/${s.id}/end`);
    await log.until(() => mine().at(-1) === 'in_office');
    expect(mine()).not.toContain('offline');
    const listed = (await viaB.get(`/api/users?q=${carol!.user.loginId}`)).body;
    expect(listed[0].presence.state).toBe('in_office');
  });

  it('a watcher on one process gets a change made on the other exactly once', async () => {
    const { people: [erin, frank] } = await createTeam(a.url, 2);
    const frankOnA = await connectSocket(a.url, frank!.token);
    const log = new PresenceLog(frankOnA);
    await watch(frankOnA, [erin!.user.id]);
    const erinOnB = await connectSocket(b.url, erin!.token);
    sockets.push(frankOnA, erinOnB);
    await log.until(() => log.last(erin!.user.id)?.state === 'in_office');
    await emitAck(erinOnB, 'presence:set', { availability: 'busy' });
    await log.until(() => log.last(erin!.user.id)?.availability === 'busy');
    // A later change through the same process: everything pushed before it has arrived by then.
    await emitAck(erinOnB, 'presence:set', { statusText: '会議資料作成中' });
    await log.until(() => log.last(erin!.user.id)?.statusText === '会議資料作成中');
    expect(log.of(erin!.user.id).filter((p) => p.availability === 'busy' && !p.statusText)).toHaveLength(1);
    expect(log.of(erin!.user.id).filter((p) => p.statusText === '会議資料作成中')).toHaveLength(1);
  });

  it('logout on one process disconnects that session\'s socket on the other', async () => {
    const session = await login(a.url, bob.user.loginId, bob.password);
    const onB = await connectSocket(b.url, session.token);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', (r) => resolve(r)));
    expect((await session.api.post('/api/auth/logout')).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
  });
});

describe.runIf(hasRedisServer)('idleness across server processes (REDIS_URL)', () => {
  // Away after 1 s without activity, so that the test runs in seconds.
  const config = { PRESENCE_COALESCE_MS: 50, IDLE_AWAY_S: 1, PRESENCE_GRACE_S: 0 };
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: ChildServer;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestServer({ config: { REDIS_URL: redis.url, ...config } });
    b = await startChildServer(a.dbUri, { REDIS_URL: redis.url, ...config });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it('a person active on one process is not away, although idle on the other; idle on both, away', async () => {
    const { people: [pat, watcher] } = await createTeam(a.url, 2);
    const watcherOnA = await connectSocket(a.url, watcher!.token);
    const log = new PresenceLog(watcherOnA);
    await watch(watcherOnA, [pat!.user.id]);
    const idleOnA = await connectSocket(a.url, pat!.token);
    const activeOnB = await connectSocket(b.url, pat!.token);
    sockets.push(watcherOnA, idleOnA, activeOnB);
    await log.until(() => log.last(pat!.user.id)?.state === 'in_office');

    // Busy on B for three idle periods, while the tab on A stays untouched.
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      activeOnB.emit('presence:active');
      await new Promise((r) => setTimeout(r, 200));
    }
    await settle(watcherOnA);
    expect(log.of(pat!.user.id).map((p) => p.availability)).not.toContain('away');

    // Left alone everywhere: away.
    await log.until(() => log.last(pat!.user.id)?.availability === 'away');
    // Back on A: available again.
    idleOnA.emit('presence:active');
    await log.until(() => log.last(pat!.user.id)?.availability === 'available');
  });
});
