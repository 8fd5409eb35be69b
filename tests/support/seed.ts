import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { TestServer } from './server.js';

/**
 * People who only need to exist (members of a big group who never sign in), written straight
 * into the test database like tests/e2e/long-history seeds messages: creating hundreds through
 * the admin API would mostly measure password hashing. Returns their ids.
 */
export async function seedPeople(t: TestServer, departmentId: string, count: number): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const now = new Date();
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: new Types.ObjectId(),
    loginId: `seed-${tag}-${i}`,
    staffNo: `Z${tag}${i}`,
    name: `名簿 ${i}`,
    nameKana: 'めいぼ',
    searchText: `名簿 ${i} めいぼ seed-${tag}-${i}`,
    departmentId: new Types.ObjectId(departmentId),
    role: 'staff',
    // Not a hash of anything: these people cannot sign in.
    passwordHash: 'seeded',
    createdAt: now,
    updatedAt: now,
  }));
  await t.server.services.conn.collection('users').insertMany(docs);
  return docs.map((d) => d._id.toString());
}

/** Work other capabilities do on their own schedule (idle checks, telework timeouts, presence pushes). */
const BACKGROUND = new Set(['presence_settings', 'telework_sessions']);

/**
 * Counts the database commands the server's own connection issues while `action` runs
 * (the driver's command monitoring; server/db/connect.ts turns it on). `getMore` (the next batch
 * of a query already counted) is reported apart; commands on the collections of timers that run
 * regardless of requests (BACKGROUND) are left out.
 */
export async function countCommands<T>(t: TestServer, action: () => Promise<T>): Promise<{ result: T; commands: string[]; getMores: number }> {
  const client = t.server.services.conn.getClient();
  const seen: string[] = [];
  // `find users`, `insert conversations` …: the command and the collection it names.
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    const collection = String(event.command[event.commandName]);
    if (!BACKGROUND.has(collection)) seen.push(`${event.commandName} ${collection}`);
  };
  client.on('commandStarted', listener);
  try {
    const result = await action();
    const getMore = (c: string) => c.startsWith('getMore ');
    return { result, commands: seen.filter((c) => !getMore(c)), getMores: seen.filter(getMore).length };
  } finally {
    client.off('commandStarted', listener);
  }
}
