import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { seedPeople, seedSessions } from '../support/seed.js';
import { emitAck, settle, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 7, the 8:30 storm: colleagues come online in the same coalescing window as the socket that
// watches them. Its `presence:watch` answer, read after they came online, already says so; the
// push of that window must not say it again (it did: nearly everything a watch answered came back
// in the next push). Changes after the answer still arrive. The window is long here so that the
// watch is answered inside it whatever the machine's load.

let t: TestServer;
let people: string[];
let tokens: string[];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ config: { PRESENCE_COALESCE_MS: 2000, PRESENCE_GRACE_S: 0 } });
  const team = await createTeam(t.url, 0);
  people = await seedPeople(t, team.department.id, 6);
  tokens = await seedSessions(t, people);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.stop();
});

describe('a watch answered after its people changed', () => {
  it('gets no push repeating what its answer said, and still gets what changes afterwards', async () => {
    const [, ...colleagues] = people;
    // The colleagues come online…
    for (const token of tokens.slice(1)) sockets.push(await t.connect({ token }));
    // …and, in the same window, their watcher connects and watches them.
    const mine = await t.connect({ token: tokens[0]! });
    sockets.push(mine);
    const log = new PresenceLog(mine);
    const answered = await watch(mine, colleagues);
    expect([...answered.values()].map((p) => p.state)).toEqual(colleagues.map(() => 'in_office'));

    // The window's push: my own person comes (always), the colleagues do not come again.
    await log.until((events) => events.some((e) => e.userId === people[0]));
    await settle(mine);
    expect(log.events.filter((e) => colleagues.includes(e.userId))).toEqual([]);

    // A colleague changes after the answer: that arrives.
    const colleague = sockets[0]!;
    expect(await emitAck(colleague, 'presence:set', { statusText: '窓口対応中' })).toMatchObject({ ok: true });
    await log.until((events) => events.some((e) => e.userId === colleagues[0] && e.presence.statusText === '窓口対応中'));
    expect(log.events.filter((e) => colleagues.slice(1).includes(e.userId))).toEqual([]);
  });
});
