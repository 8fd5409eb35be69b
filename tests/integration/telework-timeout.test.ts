import { afterAll, describe, expect, it } from 'vitest';
import { createTeam } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('heartbeat timeout', () => {
  it('ends a silent session by itself with endReason "timeout", while a beating one stays', async () => {
    const t = await startTestServer({ config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 1 } });
    servers.push(t);
    const { people: [quiet, beating] } = await createTeam(t.url, 2);
    const q = (await quiet!.api.post('/api/telework/sessions', {})).body;
    const b = (await beating!.api.post('/api/telework/sessions', {})).body;
    const timer = setInterval(() => void beating!.api.post(`/api/telework/sessions/${b.id}/heartbeat`), 200);
    try {
      const ended = await until(() => quiet!.api.get(`/api/telework/sessions/${q.id}`), (r) => r.body.endedAt !== undefined);
      expect(ended.body.endReason).toBe('timeout');
      // endedAt is the last sign of life: its last heartbeat.
      expect(ended.body.endedAt).toBe(ended.body.lastHeartbeatAt);
      expect((await beating!.api.get(`/api/telework/sessions/${b.id}`)).body.endedAt).toBeUndefined();
    } finally {
      clearInterval(timer);
    }
    expect((await quiet!.api.get('/api/telework/sessions/current')).body.session).toBeNull();
  });

  it('does not revive a session whose heartbeat comes after the timeout: it ends as "timeout" (409)', async () => {
    let mono = 0;
    const t = await startTestServer({ monotonic: () => mono, config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 60 } });
    servers.push(t);
    const { people: [p] } = await createTeam(t.url, 1);
    const s = (await p!.api.post('/api/telework/sessions', {})).body;
    await t.server.services.telework.sweepTimeouts(); // the sweep sees the session
    mono += 10 * 60_000; // ten minutes of silence
    const late = await p!.api.post(`/api/telework/sessions/${s.id}/heartbeat`);
    expect(late.status).toBe(409);
    const ended = (await p!.api.get(`/api/telework/sessions/${s.id}`)).body;
    expect(ended).toMatchObject({ endReason: 'timeout', endedAt: s.startedAt, lastHeartbeatAt: s.startedAt });
  });

  it('resumes active sessions and their timeouts from the database after a restart', async () => {
    const first = await startTestServer({ config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 3600 } });
    const { people: [p] } = await createTeam(first.url, 1);
    const s = (await p!.api.post('/api/telework/sessions', {})).body;
    await first.stop();

    const second = await startTestServer({ dbUri: first.dbUri, config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 1 } });
    servers.push(second);
    const api = p!.api.as(p!.token);
    const viaSecond = { get: (path: string) => fetch(second.url + path, { headers: { authorization: `Bearer ${api.token}` } }).then(async (r) => ({ status: r.status, body: await r.json() })) };
    expect((await viaSecond.get('/api/telework/sessions/current')).body.session.id).toBe(s.id);
    const ended = await until(() => viaSecond.get(`/api/telework/sessions/${s.id}`), (r) => r.body.endedAt !== undefined);
    expect(ended.body.endReason).toBe('timeout');
  });
});

describe('wall-clock steps (heartbeat age is measured on the monotonic clock)', () => {
  async function setUp() {
    const clocks = { wall: new Date('2026-11-25T01:00:00Z').getTime(), mono: 0 };
    const t = await startTestServer({
      clock: () => new Date(clocks.wall),
      monotonic: () => clocks.mono,
      config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 2 },
    });
    servers.push(t);
    const { people: [p] } = await createTeam(t.url, 1);
    const s = (await p!.api.post('/api/telework/sessions', {})).body;
    await t.server.services.telework.sweepTimeouts();
    return { t, p: p!, s, clocks };
  }

  it('keeps a session whose heartbeats keep coming when the clock is stepped forward an hour', async () => {
    const { t, p, s, clocks } = await setUp();
    clocks.wall += 3600_000;
    for (let i = 0; i < 5; i++) {
      clocks.mono += 1000; // a heartbeat every second, as the gateway sends them
      expect((await p.api.post(`/api/telework/sessions/${s.id}/heartbeat`)).status).toBe(204);
      await t.server.services.telework.sweepTimeouts();
    }
    const now = (await p.api.get(`/api/telework/sessions/${s.id}`)).body;
    expect(now.endedAt).toBeUndefined();
    expect(now.endReason).toBeUndefined();
  });

  it('ends a silent session one timeout later when the clock is stepped back an hour', async () => {
    const { t, p, s, clocks } = await setUp();
    clocks.wall -= 3600_000;
    clocks.mono += 1000;
    await t.server.services.telework.sweepTimeouts();
    expect((await p.api.get(`/api/telework/sessions/${s.id}`)).body.endedAt).toBeUndefined();
    clocks.mono += 1500; // 2.5 s of silence in all: past the 2 s timeout
    await t.server.services.telework.sweepTimeouts();
    const ended = (await p.api.get(`/api/telework/sessions/${s.id}`)).body;
    expect(ended.endReason).toBe('timeout');
    expect((await p.api.get('/api/telework/status')).body.active).toBe(0); // the licence is free again
  });
});
