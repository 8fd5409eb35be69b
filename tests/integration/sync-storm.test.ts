import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAnswerSchema, type SyncAnswer } from '../../shared/schemas/sync.js';
import { createTeam } from '../support/factories.js';
import { Api } from '../support/http.js';
import { countCommands, seedGroups, seedPeople, seedSessions } from '../support/seed.js';
import { emitAck } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 7: after a restart, 3,000 clients reconnect within seconds and each sends one sync. Syncs
// under way at once share one read per collection per step (server/sync/sync.service.ts), so the
// storm costs the database a few reads per collection, not ~10 commands per client — and each
// client gets exactly the answer it would get alone.

const CROWD = 60;
const GROUP = 6;

let t: TestServer;
let people: string[];
let tokens: string[];
/** Per person: their group's id. */
const groupOf = new Map<string, string>();
const cursors = new Map<string, string>();

async function sync(token: string, body: object): Promise<SyncAnswer> {
  const res = await new Api(t.url, token).post('/api/sync', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return syncAnswerSchema.parse(res.body);
}

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 0);
  people = await seedPeople(t, team.department.id, CROWD);
  tokens = await seedSessions(t, people);
  for (let g = 0; g < CROWD / GROUP; g++) {
    const members = people.slice(g * GROUP, (g + 1) * GROUP);
    const [id] = await seedGroups(t, members[0]!, members.slice(1), 1, () => `班 ${g}`);
    for (const m of members) groupOf.set(m, id!);
  }
  // Everyone synced once (as on sign-in); then each group's first member writes while the rest are away.
  const first = await Promise.all(tokens.map((token) => sync(token, {})));
  first.forEach((answer, i) => cursors.set(people[i]!, answer.cursor));
  for (let g = 0; g < CROWD / GROUP; g++) {
    const writer = people[g * GROUP]!;
    const socket = await t.connect({ token: tokens[g * GROUP]! });
    const ack = await emitAck(socket, 'message:send', { conversationId: groupOf.get(writer)!, clientMsgId: `sync-storm-${g}`, body: `留守中の連絡 ${g}` });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    socket.disconnect();
  }
  // The conversations' activity is written after the acknowledgement: written before the storm,
  // so the storm's answers and the lone ones read the same documents.
  await t.server.services.conversations.flushActivity();
});
afterAll(async () => {
  await t?.stop();
});

/** `name collection` → how many times. */
function perCollection(commands: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c] = (out[c] ?? 0) + 1;
  return out;
}

describe('a storm of syncs after a restart', () => {
  it('costs a few reads per collection for 60 syncs at once, and each answer is the one that client gets alone', async () => {
    const bodyOf = (i: number) => ({ cursor: cursors.get(people[i]!)!, seqs: { [groupOf.get(people[i]!)!]: 0 } });
    const { commands, result: answers } = await countCommands(t, () => Promise.all(tokens.map((token, i) => sync(token, bodyOf(i)))));

    answers.forEach((answer, i) => {
      const group = groupOf.get(people[i]!)!;
      const g = Math.floor(i / GROUP);
      expect(answer.conversations.map((c) => c.id)).toEqual([group]);
      expect(answer.conversations[0]!.lastMessage?.body).toBe(`留守中の連絡 ${g}`);
      expect(answer.messages[group]!.messages.map((m) => m.body)).toEqual([`留守中の連絡 ${g}`]);
      expect(answer.removed).toEqual([]);
    });
    // The same as alone (nothing changed since): only the cursor's issue time may differ.
    for (const i of [0, 7, CROWD - 1]) {
      const alone = await sync(tokens[i]!, bodyOf(i));
      const { cursor: _a, ...together } = answers[i]!;
      const { cursor: _b, ...single } = alone;
      expect(together).toEqual(single);
    }

    const count = perCollection(commands);
    console.log(`[sync-storm] ${CROWD} syncs: ${JSON.stringify(count)}`);
    // Alone, a sync is ~10 commands (directory version, conversations, read marks, change counters,
    // messages, then the changed ones' views): 600 here. Together each step is one read per
    // collection per batch, and a batch holds what arrived while the one before was at the database.
    for (const [command, n] of Object.entries(count)) expect(n, command).toBeLessThanOrEqual(CROWD / 5);
    expect(commands.length).toBeLessThanOrEqual(CROWD);
  });
});
