import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createTeam, login, type SignedIn } from '../support/factories.js';
import { Api, type ApiResponse } from '../support/http.js';
import { hasRedisServer, startRedis } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * With REDIS_URL, sign-in limits and session revocations hold across server processes
 * (issue 8 item 14, the sign-in part): landing on another process gives a guesser nothing.
 */
describe.runIf(hasRedisServer)('sign-in limits and sessions across two server processes (REDIS_URL)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: ChildServer;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestServer({ config: { REDIS_URL: redis.url } });
    b = await startChildServer(a.dbUri, { REDIS_URL: redis.url });
    ({ people: [alice, bob] } = (await createTeam(a.url, 2)) as { people: SignedIn[] });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  const signIn = (url: string, loginId: string, password: string, address: string): Promise<ApiResponse> =>
    new Api(url).request('POST', '/api/auth/login', { loginId, password }, { 'x-forwarded-for': address });

  it('locks (login id, address) after 5 wrong passwords spread over both processes, on both, but not the owner elsewhere', async () => {
    const id = alice.user.loginId;
    for (let i = 0; i < 5; i++) {
      expect((await signIn(i % 2 ? b.url : a.url, id, `guess-${i}`, '10.60.0.1')).status).toBe(401);
    }
    for (const url of [a.url, b.url]) {
      const locked = await signIn(url, id, alice.password, '10.60.0.1');
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await signIn(b.url, id, alice.password, '10.60.0.2')).status).toBe(200);
  });

  it('holds the limit against parallel guesses spread over both processes', async () => {
    const id = bob.user.loginId;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn(i % 2 ? b.url : a.url, id, `guess-${i}`, '10.61.0.1')),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
  });

  it('ends a session cached by the other process at once on logout', async () => {
    const session = await login(a.url, bob.user.loginId, bob.password);
    const onB = new Api(b.url, session.token);
    expect((await onB.get('/api/me')).status).toBe(200);
    expect((await session.api.post('/api/auth/logout')).status).toBe(204);
    const after = await onB.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });
});
