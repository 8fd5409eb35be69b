import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, createUser, type SignedIn } from '../support/factories.js';
import { countCommands, seedPeople } from '../support/seed.js';
import { emitAck } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 7: 3,000 people open the chat within half an hour. What one of them costs the database when
// connecting and starting to watch presence must not grow with the number of people watched.

let t: TestServer;
let admin: SignedIn;
let departmentId: string;
let crowd: string[];

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 1);
  admin = team.admin;
  departmentId = team.department.id;
  crowd = await seedPeople(t, departmentId, 300);
});
afterAll(async () => {
  await t.stop();
});

/** A fresh person connects (their session not yet cached) and watches `ids`; the commands it took. */
async function connectAndWatch(ids: string[]): Promise<string[]> {
  const person = await createUser(admin, departmentId);
  const { commands, result } = await countCommands(t, async () => {
    const socket = await t.connect(person);
    const ack = await emitAck(socket, 'presence:watch', { userIds: ids });
    // The person's own arrival is pushed once the coalescing window closes: part of the cost.
    await new Promise((resolve) => socket.once('presence', resolve));
    socket.disconnect();
    return ack;
  }, { background: true });
  expect(result).toMatchObject({ ok: true });
  expect((result as { presences: unknown[] }).presences).toHaveLength(ids.length);
  return commands;
}

describe('connecting and watching presence', () => {
  it('costs the same few database commands for 10 people watched as for 300, reading each collection once', async () => {
    const few = await connectAndWatch(crowd.slice(0, 10));
    const many = await connectAndWatch(crowd);
    expect(many.sort()).toEqual(few.sort());
    // sign-in check (session, person), the watch (who exists, settings, telework), the push
    // (that the person is connected, kept for a restart: presence_online; then settings,
    // telework): never one command per person watched.
    expect(many.length).toBeLessThanOrEqual(8);
    expect(many.filter((c) => c.includes('presence_online'))).toHaveLength(1);
    console.log(`[connect-cost] ${many.length} commands: ${many.join(', ')}`);
  });
});
