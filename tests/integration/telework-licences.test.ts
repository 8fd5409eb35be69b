import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { createTeam, type SignedIn } from '../support/factories.js';
import { Api } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let a: TestServer;
let b: ChildServer;
let people: SignedIn[];

beforeAll(async () => {
  a = await startTestServer({ config: { TELEWORK_CAPACITY: 10 } });
  b = await startChildServer(a.dbUri, { TELEWORK_CAPACITY: 10 });
  ({ people } = await createTeam(a.url, 52));
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

describe('the licence pool', () => {
  it('gives exactly 10 sessions and 40 license_exhausted to 50 simultaneous starts across two server processes', async () => {
    const results = await Promise.all(
      people.slice(0, 50).map((p, i) => new Api(i % 2 ? b.url : a.url, p.token).post('/api/telework/sessions', {})),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.body.error.code === 'license_exhausted')).toBe(true);
    expect(new Set(created.map((r) => r.body.userId)).size).toBe(10);
    expect((await people[0]!.api.get('/api/telework/status')).body).toEqual({ capacity: 10, active: 10 });

    // A freed licence can be taken again, by exactly one of two people racing for it.
    await new Api(a.url, tokenOf(created[0]!.body.userId)).post(`/api/telework/sessions/${created[0]!.body.id}/end`);
    const [x, y] = await Promise.all([
      new Api(a.url, people[50]!.token).post('/api/telework/sessions', {}),
      new Api(b.url, people[51]!.token).post('/api/telework/sessions', {}),
    ]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    expect((await people[0]!.api.get('/api/telework/status')).body.active).toBe(10);
  });

  it('keeps one active session per person even when they start twice at once on two processes', async () => {
    const person = people.find((p) => p.user.id)!;
    const status = (await person.api.get('/api/telework/status')).body;
    expect(status.active).toBe(10);
    // Free two licences, then one person starts on both processes at once.
    const active = await Promise.all(people.map(async (p) => ({ p, s: (await p.api.get('/api/telework/sessions/current')).body.session })));
    const holders = active.filter((x) => x.s);
    for (const h of holders.slice(0, 2)) await h.p.api.post(`/api/telework/sessions/${h.s.id}/end`);
    const idle = active.find((x) => !x.s)!.p;
    const [r1, r2] = await Promise.all([
      new Api(a.url, idle.token).post('/api/telework/sessions', {}),
      new Api(b.url, idle.token).post('/api/telework/sessions', {}),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 201]);
    expect(r1.body.id).toBe(r2.body.id);
    expect((await idle.api.get('/api/telework/status')).body.active).toBe(9);
  });
});

function tokenOf(userId: string): string {
  return people.find((p) => p.user.id === userId)!.token;
}
