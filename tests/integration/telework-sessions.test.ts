import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teleworkSessionSchema } from '../../shared/schemas/telework.js';
import { createTeam, loginAdmin, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const GATEWAY_TOKEN = 'gateway-secret-for-tests-0123456789';
let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let admin: SignedIn;
let gateway: Api;

beforeAll(async () => {
  t = await startTestServer({ config: { TELEWORK_GATEWAY_TOKEN: GATEWAY_TOKEN } });
  ({ people: [alice, bob] } = await createTeam(t.url, 2));
  admin = await loginAdmin(t.url);
  gateway = new Api(t.url, GATEWAY_TOKEN);
});
afterAll(() => t.stop());

describe('a person\'s own telework session', () => {
  it('starts (201), gives the active one back when asked again (200), beats, and ends as "ended"', async () => {
    const started = await alice.api.post('/api/telework/sessions', {});
    expect(started.status).toBe(201);
    const session = teleworkSessionSchema.parse(started.body);
    expect(session).toMatchObject({ userId: alice.user.id, source: 'self' });
    expect(session.endedAt).toBeUndefined();

    const again = await alice.api.post('/api/telework/sessions', {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(session.id);
    expect((await alice.api.get('/api/telework/status')).body).toEqual({ capacity: 300, active: 1 });
    expect((await alice.api.get('/api/telework/sessions/current')).body.session.id).toBe(session.id);

    expect((await alice.api.post(`/api/telework/sessions/${session.id}/heartbeat`)).status).toBe(204);
    const ended = await alice.api.post(`/api/telework/sessions/${session.id}/end`);
    expect(ended.status).toBe(200);
    expect(teleworkSessionSchema.parse(ended.body)).toMatchObject({ id: session.id, endReason: 'ended' });
    expect(ended.body.endedAt).toBeDefined();
    expect((await alice.api.get('/api/telework/status')).body.active).toBe(0);
    expect((await alice.api.get('/api/telework/sessions/current')).body.session).toBeNull();
  });

  it('refuses a heartbeat or a second end on an ended session (409), keeping it as it was', async () => {
    const s = (await alice.api.post('/api/telework/sessions', {})).body;
    const ended = (await alice.api.post(`/api/telework/sessions/${s.id}/end`)).body;
    const beat = await alice.api.post(`/api/telework/sessions/${s.id}/heartbeat`);
    expect(beat.status).toBe(409);
    expect(beat.body.error.code).toBe('conflict');
    expect((await alice.api.post(`/api/telework/sessions/${s.id}/end`)).status).toBe(409);
    expect((await alice.api.get(`/api/telework/sessions/${s.id}`)).body).toEqual(ended);
  });
});

describe('who may start and end', () => {
  it('lets the gateway start and end a session for any person', async () => {
    const started = await gateway.post('/api/telework/sessions', { userId: bob.user.id });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ userId: bob.user.id, source: 'gateway' });
    expect((await gateway.post(`/api/telework/sessions/${started.body.id}/heartbeat`)).status).toBe(204);
    const ended = await gateway.post(`/api/telework/sessions/${started.body.id}/end`);
    expect(ended.body.endReason).toBe('ended');
  });

  it('refuses a staff token starting for someone else, no token, and a wrong gateway token', async () => {
    const other = await alice.api.post('/api/telework/sessions', { userId: bob.user.id });
    expect(other.status).toBe(403);
    expect((await new Api(t.url).post('/api/telework/sessions', { userId: bob.user.id })).status).toBe(401);
    expect((await new Api(t.url, 'gateway-secret-for-tests-WRONG').post('/api/telework/sessions', { userId: bob.user.id })).status).toBe(401);
    expect((await bob.api.get('/api/telework/sessions/current')).body.session).toBeNull();
  });

  it('accepts the gateway token only as a bearer token, not as a session cookie', async () => {
    const res = await new Api(t.url).request('POST', '/api/telework/sessions', { userId: bob.user.id }, {
      authorization: 'Basic Zm9v',
      cookie: `sid=${GATEWAY_TOKEN}`,
    });
    expect(res.status).toBe(401);
  });

  it('needs the gateway to name a known person', async () => {
    const none = await gateway.post('/api/telework/sessions', {});
    expect(none.status).toBe(400);
    const unknown = await gateway.post('/api/telework/sessions', { userId: 'cccccccccccccccccccccccc' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    for (const body of [{ userId: 42 }, { userId: 'not-an-id' }, { userId: bob.user.id, extra: true }]) {
      expect((await gateway.post('/api/telework/sessions', body)).status).toBe(400);
    }
    expect((await gateway.get('/api/telework/status')).body.active).toBe(0);
  });

  it('does not let a colleague end someone else\'s session, but an admin can ("forced")', async () => {
    const s = (await bob.api.post('/api/telework/sessions', {})).body;
    const byAlice = await alice.api.post(`/api/telework/sessions/${s.id}/end`);
    expect(byAlice.status).toBe(403);
    expect((await alice.api.post(`/api/telework/sessions/${s.id}/heartbeat`)).status).toBe(403);
    expect((await bob.api.get('/api/telework/sessions/current')).body.session.id).toBe(s.id);
    const forced = await admin.api.post(`/api/telework/sessions/${s.id}/end`);
    expect(forced.status).toBe(200);
    expect(forced.body.endReason).toBe('forced');
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    expect((await alice.api.post('/api/telework/sessions/dddddddddddddddddddddddd/heartbeat')).status).toBe(404);
    expect((await alice.api.post('/api/telework/sessions/nope/end')).status).toBe(400);
  });
});
