import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { hasRedisServer, startRedis } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Each process answers "is this person a member?" from its own cache; a membership change must
// reach every process's cache (ConversationsService.membersChanged, through the Redis adapter).
//
// Note: no public membership change (leave / add / remove members) exists yet, so the change
// itself is written to the database here the way such an endpoint will write it, and the real
// public ConversationsService.membersChanged is called on process A, as that endpoint must.
// Once those endpoints exist, cause the change through them instead.
describe.runIf(hasRedisServer)('membership cache across two server processes (REDIS_URL)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: ChildServer;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestServer({ config: { REDIS_URL: redis.url } });
    b = await startChildServer(a.dbUri, { REDIS_URL: redis.url });
    ({ people: [alice, bob] } = await createTeam(a.url, 3));
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  it('a membership change announced on one process drops the cached membership on the other', async () => {
    const conv = await createConversation(alice, 'group', [bob], '異動');
    const history = `/api/conversations/${conv.id}/messages`;
    const bobOnA = bob.api;
    const bobOnB = new Api(b.url, bob.token);
    // Both processes now hold the conversation's members in their caches.
    expect((await bobOnA.get(history)).status).toBe(200);
    expect((await bobOnB.get(history)).status).toBe(200);

    await a.server.services.conn
      .collection<{ memberIds: Types.ObjectId[] }>('conversations')
      .updateOne({ _id: new Types.ObjectId(conv.id) }, { $pull: { memberIds: new Types.ObjectId(bob.user.id) } });
    // Until the change is announced, both processes answer from their caches.
    expect((await bobOnA.get(history)).status).toBe(200);
    expect((await bobOnB.get(history)).status).toBe(200);

    a.server.services.conversations.membersChanged(conv.id);
    expect((await bobOnA.get(history)).status).toBe(403);
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status !== 403 && Date.now() < deadline) {
      status = (await bobOnB.get(history)).status;
      if (status !== 403) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(403);
    expect((await alice.api.get(history)).status).toBe(200);
  });
});
