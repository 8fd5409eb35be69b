import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginResponseSchema, userSchema } from '../../shared/schemas/auth.js';
import { createTeam, login, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { connectSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;

beforeAll(async () => {
  t = await startTestServer({ config: { LOGIN_FAIL_LIMIT_PER_ID: 3 } });
  ({ people: [alice] } = await createTeam(t.url, 1));
});
afterAll(() => t.stop());

describe('signing in', () => {
  it('gives a token, the user and an HttpOnly SameSite session cookie', async () => {
    const res = await t.api.post('/api/auth/login', { loginId: alice.user.loginId, password: alice.password });
    expect(res.status).toBe(200);
    expect(loginResponseSchema.parse(res.body).user.id).toBe(alice.user.id);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sid = cookie.split(';')[0]!;
    const me = await t.api.request('GET', '/api/me', undefined, { cookie: sid });
    expect(me.status).toBe(200);
    expect(userSchema.parse(me.body.user).loginId).toBe(alice.user.loginId);
  });

  it('accepts the bearer token on every api route', async () => {
    const me = await alice.api.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(alice.user.id);
    expect(me.body.user).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password and an unknown user exactly alike', async () => {
    const wrong = await t.api.post('/api/auth/login', { loginId: alice.user.loginId, password: 'not-it' });
    const unknown = await t.api.post('/api/auth/login', { loginId: 'nobody-here', password: 'not-it' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('unauthenticated');
  });

  it('refuses further attempts on a login id after repeated failures, even with the right password', async () => {
    const { people: [bob] } = await createTeam(t.url, 1);
    for (let i = 0; i < 3; i++) {
      expect((await t.api.post('/api/auth/login', { loginId: bob!.user.loginId, password: 'guess' })).status).toBe(401);
    }
    const limited = await t.api.post('/api/auth/login', { loginId: bob!.user.loginId, password: bob!.password });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('holds the limit against a burst of parallel guesses', async () => {
    const { people: [carol] } = await createTeam(t.url, 1);
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 15 ? carol!.password : `guess-${i}`));
    const results = await Promise.all(guesses.map((password) => t.api.post('/api/auth/login', { loginId: carol!.user.loginId, password })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401 || s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(17);
  });

  it('treats a query-operator login id as bad input, not as a query', async () => {
    const res = await t.api.post('/api/auth/login', { loginId: { $ne: null }, password: { $ne: null } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('refuses api routes without a session', async () => {
    const res = await new Api(t.url).get('/api/conversations');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    const forged = await new Api(t.url, 'made-up-token').get('/api/me');
    expect(forged.status).toBe(401);
  });

  it('serves the health check without a session', async () => {
    const res = await new Api(t.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up' });
  });
});

describe('sockets and sessions', () => {
  it('disconnects a socket that connects while its session is being logged out', async () => {
    const sockets = [];
    for (let i = 0; i < 15; i++) {
      const session = await login(t.url, alice.user.loginId, alice.password);
      const connecting = connectSocket(t.url, session.token).catch(() => null);
      await new Promise((r) => setTimeout(r, i));
      expect((await session.api.post('/api/auth/logout')).status).toBe(204);
      sockets.push(await connecting);
    }
    const deadline = Date.now() + 10_000;
    while (sockets.some((s) => s?.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sockets.filter((s) => s?.connected)).toHaveLength(0);
  });

  it('refuses a socket and a state-changing request from a foreign browser origin', async () => {
    await expect(connectSocket(t.url, alice.token, { origin: 'http://other-intranet-app:8080' })).rejects.toThrow();
    const ok = await connectSocket(t.url, alice.token, { origin: t.url });
    expect(ok.connected).toBe(true);
    ok.close();
    const foreign = await alice.api.request('POST', '/api/conversations', { kind: 'dm', memberIds: [alice.user.id] }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');
  });

  it('refuses a socket without a valid session with the message "unauthenticated"', async () => {
    await expect(connectSocket(t.url, undefined)).rejects.toThrow('unauthenticated');
    await expect(connectSocket(t.url, 'not-a-real-token')).rejects.toThrow('unauthenticated');
  });

  it('logout stops the token at once and disconnects its sockets, leaving other sessions alone', async () => {
    const first = await login(t.url, alice.user.loginId, alice.password);
    const other = await login(t.url, alice.user.loginId, alice.password);
    const socket = await connectSocket(t.url, first.token);
    const otherSocket = await connectSocket(t.url, other.token);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    expect((await first.api.post('/api/auth/logout')).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    expect((await first.api.get('/api/me')).status).toBe(401);
    await expect(connectSocket(t.url, first.token)).rejects.toThrow('unauthenticated');

    expect((await other.api.get('/api/me')).status).toBe(200);
    expect(otherSocket.connected).toBe(true);
    otherSocket.close();
  });
});
