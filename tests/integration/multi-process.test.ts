import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageNewEventSchema } from '../../shared/schemas/conversations.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createConversation, createTeam, login, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { PresenceLog, watch } from '../support/presence.js';
import { hasRedisServer, startRedis } from '../support/redis.js';
import { connectSocket, emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
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
    const carolOnA = await connectSocket(a.url, carol!.token);
    const daveOnA = await connectSocket(a.url, dave!.token);
    sockets.push(carolOnA, daveOnA);
    const log = new PresenceLog(daveOnA);
    await watch(daveOnA, [carol!.user.id]);
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

  it('logout on one process disconnects that session\'s socket on the other', async () => {
    const session = await login(a.url, bob.user.loginId, bob.password);
    const onB = await connectSocket(b.url, session.token);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', (r) => resolve(r)));
    expect((await session.api.post('/api/auth/logout')).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
  });
});
