import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presenceSchema } from '../../shared/schemas/presence.js';
import { createTeam } from '../support/factories.js';
import { countCommands, seedPeople, seedSessions } from '../support/seed.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 7: at 8:30 about 3,000 staff open the chat within minutes. Each socket's session check and
// first presence:watch are gathered with the others under way (server/lib/batcher.ts), so a storm
// of people connecting costs the database a few reads per collection, not a few per person.

const CROWD = 200;
const WATCHED = 100;

let t: TestServer;
let people: string[];
let tokens: string[];

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 1);
  people = await seedPeople(t, team.department.id, CROWD);
  tokens = await seedSessions(t, people);
});
afterAll(async () => {
  await t.stop();
});

/** `name collection` → how many times. */
function perCollection(commands: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c] = (out[c] ?? 0) + 1;
  return out;
}

describe('a storm of people connecting at once', () => {
  it('costs a few reads per collection for 200 sockets, not a few per socket, and answers every watch correctly', async () => {
    // Each person watches the 100 people after them (as colleagues in one department do).
    const watchedBy = (i: number) => Array.from({ length: WATCHED }, (_, k) => people[(i + 1 + k) % CROWD]!);
    const { commands, result: acks } = await countCommands(
      t,
      async () => {
        const sockets: ClientSocket[] = await Promise.all(tokens.map((token) => t.connect({ token })));
        return Promise.all(sockets.map((socket, i) => emitAck(socket, 'presence:watch', { userIds: watchedBy(i) })));
      },
      { background: true },
    );

    // Every watch is answered with the presence of exactly the people it asked for: all connected now.
    acks.forEach((ack, i) => {
      expect(ack).toMatchObject({ ok: true });
      const presences = (ack as { presences: { userId: string; presence: unknown }[] }).presences;
      expect(presences.map((p) => p.userId).sort()).toEqual(watchedBy(i).sort());
      for (const p of presences) expect(presenceSchema.parse(p.presence).state).toBe('in_office');
    });

    const count = perCollection(commands);
    console.log(`[connect-storm] ${CROWD} sockets: ${JSON.stringify(count)}`);
    // Without batching: 200 reads of sessions, 400 of users, 200 of presence_settings and of
    // telework_sessions. With it, each batch holds what arrived while the one before it was at the
    // database: handshakes arrive one by one (a few per batch), the watches all at once here.
    expect(count['find sessions'] ?? 0).toBeLessThanOrEqual(CROWD / 2);
    expect(count['find users'] ?? 0).toBeLessThanOrEqual(CROWD / 2 + CROWD / 10);
    for (const collection of ['presence_settings', 'telework_sessions']) {
      expect(count[`find ${collection}`] ?? 0, collection).toBeLessThanOrEqual(CROWD / 10);
    }
    // Besides reads, only the coalesced push's record of who came online (server/presence: one
    // insert per push window for everyone who came in it, kept for a restart), never one per person.
    const writes = commands.filter((c) => !c.startsWith('find '));
    expect(writes.filter((c) => c !== 'insert presence_online'), 'nothing but reads and who came online').toEqual([]);
    expect(writes.length).toBeLessThanOrEqual(CROWD / 10);
  });
});
