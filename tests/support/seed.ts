import { createHash, randomBytes, randomUUID } from 'node:crypto';
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

/**
 * A live sign-in session for each of `userIds`, written straight into the database in the shape
 * server/auth stores (`sha256(token)`, as bench/suite/database.ts seeds them): a storm of hundreds
 * of sockets needs hundreds of signed-in people, and hundreds of sign-ins would mostly measure
 * password hashing. Returns the tokens, in the order of `userIds`.
 */
export async function seedSessions(t: TestServer, userIds: readonly string[]): Promise<string[]> {
  const now = new Date();
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  await t.server.services.conn.collection('sessions').insertMany(
    userIds.map((userId, i) => ({
      tokenHash: createHash('sha256').update(tokens[i]!).digest('hex'),
      userId: new Types.ObjectId(userId),
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3600_000),
    })),
  );
  return tokens;
}

/** Work other capabilities do on their own schedule (idle checks, telework timeouts, presence pushes). */
const BACKGROUND = new Set(['presence_settings', 'presence_online', 'telework_sessions']);
/**
 * Timers that run whatever anyone does and that no request being counted touches: the meetings'
 * sweep reads `meetings` once a second (server/meetings/scheduler.ts), the 人事異動 sweep reads
 * `transfers` once a minute (server/transfers), presence writes its heartbeat every few seconds
 * (`presence_heartbeat`, server/presence). Always left out; a test that counts such a request
 * must count those collections itself.
 */
const TIMERS = new Set(['meetings', 'transfers', 'presence_heartbeat']);

/**
 * Counts the database commands the server's own connection issues while `action` runs
 * (the driver's command monitoring; server/db/connect.ts turns it on). `getMore` (the next batch
 * of a query already counted) is reported apart; commands on the collections of timers that run
 * regardless of requests (BACKGROUND) are left out unless `background` is set (for a test that
 * pins down such work itself).
 */
export async function countCommands<T>(
  t: TestServer,
  action: () => Promise<T>,
  opts: { background?: boolean } = {},
): Promise<{ result: T; commands: string[]; getMores: number }> {
  const client = t.server.services.conn.getClient();
  const seen: string[] = [];
  // `find users`, `insert conversations` …: the command and the collection it names.
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    const collection = String(event.command[event.commandName]);
    // The database health watcher pings on its own schedule (server/db/db-health.ts).
    if ((opts.background || !BACKGROUND.has(collection)) && !TIMERS.has(collection) && event.commandName !== 'ping') seen.push(`${event.commandName} ${collection}`);
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

/**
 * `count` groups of `memberIds` created by `creatorId`, written straight into the database in the
 * shape ConversationsService stores (as seedPeople does for people): hundreds of conversations
 * through the API would take minutes on a shared machine and test nothing more. Activity times
 * rise with the index, two conversations at a time sharing one (so ties are ordered by id).
 * Untitled unless `title` is given. Returns their ids in creation order.
 */
export async function seedGroups(
  t: TestServer,
  creatorId: string,
  memberIds: readonly string[],
  count: number,
  title?: (i: number) => string,
): Promise<string[]> {
  const base = Date.now() - 60 * 60 * 1000;
  const docs = Array.from({ length: count }, (_, i) => {
    const _id = new Types.ObjectId();
    const at = new Date(base + Math.floor(i / 2) * 1000);
    return {
      _id,
      kind: 'group',
      title: title ? title(i) : '',
      memberIds: [creatorId, ...memberIds].map((id) => new Types.ObjectId(id)),
      key: `group:${_id.toString()}`,
      createdBy: new Types.ObjectId(creatorId),
      lastActivityAt: at,
      createdAt: at,
    };
  });
  await t.server.services.conn.collection('conversations').insertMany(docs);
  return docs.map((d) => d._id.toString());
}
