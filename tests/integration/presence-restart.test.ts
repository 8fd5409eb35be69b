import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { testDbUri } from '../support/database.js';
import { createTeam, type SignedIn } from '../support/factories.js';
import { PresenceLog, watch } from '../support/presence.js';
import { connectSocket, type ClientSocket } from '../support/sockets.js';

// A server restart drops every connection at once. Those who come back within the grace period
// must not flicker offline and online for the people watching them (3,000 people at 8:30 would
// otherwise all change twice), and those who do not come back go offline as after any drop. A
// server that was down for longer than the grace period resumes nobody.

// The grace period must outlast a child process's start (a few seconds here) for a restart to be a blip.
const config = { PRESENCE_COALESCE_MS: 50, PRESENCE_GRACE_S: 10 };
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function track(socket: ClientSocket): ClientSocket {
  cleanup.push(() => void socket.close());
  return socket;
}

/** Who the database holds as connected (`presence_online`), read directly. */
async function storedOnline(dbUri: string): Promise<string[]> {
  const client = await MongoClient.connect(dbUri);
  try {
    const docs = await client.db().collection<{ _id: ObjectId }>('presence_online').find({}).toArray();
    return docs.map((d) => d._id.toHexString()).sort();
  } finally {
    await client.close();
  }
}

/** A first server where `stays` and `leaves` are connected and seen so by a watcher; then SIGKILL. */
async function crashWithTwoConnected(dbUri: string): Promise<{ watcher: SignedIn; stays: SignedIn; leaves: SignedIn }> {
  const first: ChildServer = await startChildServer(dbUri, config);
  cleanup.push(() => first.kill());
  const { people } = await createTeam(first.url, 3);
  const [watcher, stays, leaves] = people as [SignedIn, SignedIn, SignedIn];
  const ids = [stays.user.id, leaves.user.id];
  const w = track(await connectSocket(first.url, watcher.token));
  const before = new PresenceLog(w);
  await watch(w, ids);
  track(await connectSocket(first.url, stays.token));
  track(await connectSocket(first.url, leaves.token));
  // Pushed once stored: both are known to be connected before the crash.
  await before.until(() => ids.every((id) => before.last(id)?.state === 'in_office'));
  expect(await storedOnline(dbUri)).toEqual(expect.arrayContaining(ids));
  await first.kill();
  return { watcher, stays, leaves };
}

describe('presence across a server restart', () => {
  it('shows the people connected before a crash as still there, pushes nothing for those who come back, and takes the others offline after the grace period', async () => {
    const dbUri = testDbUri(`presence_restart_${randomUUID().slice(0, 8)}`);
    const { watcher, stays, leaves } = await crashWithTwoConnected(dbUri);
    const ids = [stays.user.id, leaves.user.id];

    const second: ChildServer = await startChildServer(dbUri, config);
    cleanup.push(() => second.stop());
    const w2 = track(await connectSocket(second.url, watcher.token));
    const after = new PresenceLog(w2);
    const answer = await watch(w2, ids);
    // Neither has reconnected yet, and neither shows as gone.
    expect(answer.get(stays.user.id)).toMatchObject({ state: 'in_office' });
    expect(answer.get(leaves.user.id)).toMatchObject({ state: 'in_office' });

    track(await connectSocket(second.url, stays.token));
    // The one who did not come back goes offline when the grace period ends, with when they were last seen.
    await after.until((events) => events.some((e) => e.userId === leaves.user.id && e.presence.state === 'offline'), 30_000);
    expect(after.last(leaves.user.id)).toMatchObject({ state: 'offline', lastSeenAt: expect.any(String) });
    // The one who came back within it changed nothing: not a single push about them.
    expect(after.of(stays.user.id)).toEqual([]);
    const again = await watch(w2, ids);
    expect(again.get(stays.user.id)).toMatchObject({ state: 'in_office' });
    expect(again.get(leaves.user.id)).toMatchObject({ state: 'offline' });
    // Stored the same way for the next restart.
    const stored = await storedOnline(dbUri);
    expect(stored).toContain(stays.user.id);
    expect(stored).not.toContain(leaves.user.id);
  }, 60_000);

  it('resumes nobody after an outage longer than the grace period: they have been offline since the crash', async () => {
    const dbUri = testDbUri(`presence_outage_${randomUUID().slice(0, 8)}`);
    const { watcher, stays, leaves } = await crashWithTwoConnected(dbUri);
    const crashedBy = Date.now();

    // The next start is an hour later by its clock.
    const later: ChildServer = await startChildServer(dbUri, config, 0, { clockOffsetMs: 60 * 60_000 });
    cleanup.push(() => later.stop());
    const w = track(await connectSocket(later.url, watcher.token));
    const answer = await watch(w, [stays.user.id, leaves.user.id]);
    for (const person of [stays, leaves]) {
      const presence = answer.get(person.user.id)!;
      expect(presence.state).toBe('offline');
      // Last seen when the crashed process was last alive, not when the new one started.
      expect(new Date(presence.lastSeenAt!).getTime()).toBeLessThanOrEqual(crashedBy);
    }
    expect(await storedOnline(dbUri)).toEqual([]);
  }, 60_000);
});
