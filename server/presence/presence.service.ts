import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Presence, PresenceEvent, PresenceSetPayload } from '../../shared/schemas/presence.js';
import type { Overview } from '../../shared/schemas/telework.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { onlyDuplicateKeys } from '../db/errors.js';
import { Batcher } from '../lib/batcher.js';
import { userRoom, type Realtime } from '../realtime.js';
import type { TeleworkService } from '../telework/telework.service.js';
import { Connections } from './connections.js';
import { OverviewBoards } from './overview-boards.js';
import { Watchers } from './watchers.js';
import { presenceSettingModel, type PresenceSettingDoc } from './presence-setting.model.js';
import { presenceHeartbeatModel, type PresenceHeartbeatDoc } from './presence-heartbeat.model.js';
import { presenceOnlineModel, type PresenceOnlineDoc } from './presence-online.model.js';
import { log } from '../log.js';

const oid = (id: string) => new Types.ObjectId(id);
const unlessOnlyDuplicates = (err: unknown): undefined => {
  if (onlyDuplicateKeys(err)) return undefined;
  throw err;
};
/** The bulk-write operation that stores when a person was last connected (their settings created if need be). */
const lastSeenWrite = (userId: string, at: Date, now: Date) => ({
  updateOne: {
    filter: { userId: oid(userId) },
    update: { $set: { lastSeenAt: at }, $setOnInsert: { availability: 'available', statusText: '', updatedAt: now } },
    upsert: true,
  },
});
export const overviewRoom = (departmentId: string) => `overview:${departmentId}`;

/** Sockets written per turn of the event loop when a push reaches many (see deliver). */
const DELIVER_CHUNK = 100;

/** What a presence event compares: a change of lastActiveAt alone is not worth an event. */
const signature = (p: Presence) => [p.state, p.availability, p.statusText ?? '', p.teleworkSince ?? ''].join('|');

/**
 * Presence, derived from telework sessions, live connections and the person's own setting.
 * The only writer of `presence_settings`. See README.md beside this file.
 */
export class PresenceService {
  private readonly settings: Model<PresenceSettingDoc>;
  private readonly online: Model<PresenceOnlineDoc>;
  private readonly heartbeat: Model<PresenceHeartbeatDoc>;
  private readonly connections: Connections;
  private readonly lastActive = new Map<string, Date>();
  /** People whose last connection here closed, and when: written as `lastSeenAt` once they are offline. */
  private readonly lastSeen = new Map<string, Date>();
  /** People stored in `presence_online` (as far as this process wrote or read it). One process only. */
  private readonly storedOnline = new Set<string>();
  /** People whose `presence_online` write failed: tried again at the next push, whoever it is for. */
  private readonly unsure = new Set<string>();
  /** Resumed at start (resumeAfterRestart): their grace period starts again once the server listens. */
  private resumed: string[] = [];
  private heartbeatTimer?: NodeJS.Timeout;
  private beating = false;
  private readonly idle = new Set<string>();
  /**
   * The last presence pushed per person, in which push (`pushes` counts them), and the person's
   * change stamp it covers (Infinity: pushed by another process, delivered to every watcher).
   */
  private readonly lastPushed = new Map<string, { sig: string; presence: Presence; push: number; mark: number }>();
  private pushes = 0;
  /** Who watches whom among this process's sockets (`presence:watch`). */
  private readonly watchers = new Watchers();
  /** The supervisor boards watched from this process, kept up to date change by change. */
  private readonly boards = new OverviewBoards();
  private readonly dirty = new Set<string>();
  /**
   * Stamps from one counter: `markedAt` holds, per person, the stamp of their last change (taken
   * after the change is visible to reads); a watch takes one before its reads (see deliver).
   */
  private stamps = 0;
  private readonly markedAt = new Map<string, number>();
  /**
   * The reads behind `presence:watch`, gathered across sockets (server/lib/batcher.ts): when
   * everyone connects at 8:30, each socket's first watch joins the batch under way, and a batch
   * reads each collection once for the union of its ids (people in one department watch mostly the
   * same people). Answers the current presence of each id that is a person; others are absent.
   */
  private readonly watchReads = new Batcher<string, Presence>((ids) => this.readForWatch(ids), { gatherMs: 5, busyGatherMs: 25 });
  private flushTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Told how many sockets each delivery reached (the presence pushes metric). */
  onDelivered?: (sockets: number) => void;
  /** Several processes behind the Redis adapter: connections and pushes must be shared. */
  private readonly clustered: boolean;
  /**
   * Who is connected is kept for a restart (`presence_online`, `presence_heartbeat`): one process,
   * and a grace period to resume them in.
   */
  private readonly resumable: boolean;

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly directory: DirectoryService,
    private readonly telework: TeleworkService,
    private readonly realtime: Realtime,
    private readonly clock: Clock,
  ) {
    this.settings = presenceSettingModel(conn);
    this.online = presenceOnlineModel(conn);
    this.heartbeat = presenceHeartbeatModel(conn);
    this.clustered = Boolean(config.REDIS_URL);
    this.resumable = !this.clustered && config.PRESENCE_GRACE_S > 0;
    this.connections = new Connections(config.PRESENCE_GRACE_S * 1000, (userId) => this.changed(userId));
    telework.onChange = (userId) => this.changed(userId);
  }

  async init(): Promise<void> {
    await this.settings.createIndexes();
    if (this.clustered) {
      // Another process pushed these: deliver them to our own watchers and overview boards.
      this.realtime.io.on('presence:changed', (changes) => this.receive(changes));
    }
    if (this.resumable) {
      await this.resumeAfterRestart();
      await this.beat();
      this.heartbeatTimer = setInterval(() => void this.beat(), Math.min(5_000, (this.config.PRESENCE_GRACE_S * 1000) / 3));
      this.heartbeatTimer.unref();
    }
    const everyMs = Math.min(5_000, Math.max(200, (this.config.IDLE_AWAY_S * 1000) / 4));
    this.idleTimer = setInterval(() => this.checkIdle(), everyMs);
    this.idleTimer.unref();
  }

  /**
   * A restart is a blip, not everyone going offline: the people stored as online when the previous
   * process stopped (`presence_online`) count as connected for the grace period, as if each had just
   * dropped. Those who reconnect within it change nothing, so nothing is pushed for them; the others
   * go offline when it ends, last seen at the previous process's last heartbeat. If that heartbeat
   * is older than the grace period (the server was down longer), they have been offline since then:
   * stored so at once, nobody resumed. Two reads (ids only, one heartbeat), plus two writes in that
   * case. With several processes a marked person may be connected to another one: not done there.
   */
  private async resumeAfterRestart(): Promise<void> {
    const [marked, beat] = await Promise.all([
      this.online.find({}, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>(),
      this.heartbeat.findById('presence').lean<PresenceHeartbeatDoc>(),
    ]);
    if (marked.length === 0) return;
    const ids = marked.map((m) => m._id.toString());
    const now = this.clock();
    const lostAt = beat?.at ?? now;
    if (beat && now.getTime() - beat.at.getTime() < this.config.PRESENCE_GRACE_S * 1000) {
      for (const id of ids) {
        this.storedOnline.add(id);
        this.lastSeen.set(id, lostAt);
      }
      this.connections.resume(ids);
      this.resumed = ids;
      return;
    }
    try {
      await this.writeOfflineSince(ids, lostAt, now);
    } catch (err) {
      // Nothing resumed either way; the documents are read again at the next start.
      log.warn({ err, count: ids.length }, 'presence: people offline since the last heartbeat could not be stored');
    }
  }

  private async writeOfflineSince(ids: readonly string[], lostAt: Date, now: Date): Promise<void> {
    await this.settings.bulkWrite(ids.map((id) => lastSeenWrite(id, lostAt, now)), { ordered: false });
    await this.online.deleteMany({ _id: { $in: ids.map(oid) } });
  }

  /**
   * The server accepts connections now: the grace period of the people resumed at start begins
   * again here, so that a slow start does not use it up before anyone could reconnect.
   */
  listening(): void {
    if (this.resumed.length > 0) this.connections.resume(this.resumed);
    this.resumed = [];
  }

  /**
   * This process is alive (resumeAfterRestart reads it after a crash). One write at a time (a hung
   * database does not pile them up); a failed one is only logged.
   */
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.heartbeat.updateOne({ _id: 'presence' }, { $set: { at: this.clock() } }, { upsert: true });
    } catch (err) {
      if (!this.stopped) log.warn({ err }, 'presence: heartbeat not written');
    } finally {
      this.beating = false;
    }
  }

  /** Stops the timers and waits for a push under way, so nothing touches a closed database. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.idleTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.connections.stop();
    await this.flushing;
  }

  // ── inputs ──────────────────────────────────────────────────

  /** A new socket: O(1) here; the person is marked changed only when it is their first. */
  connected(userId: string, socketId: string): number {
    this.lastActive.set(userId, this.clock());
    this.watchers.attach(socketId, userId);
    this.connections.add(userId, socketId);
    return this.activity(userId);
  }

  disconnected(userId: string, socketId: string): void {
    this.watchers.detach(socketId);
    this.connections.remove(userId, socketId);
    this.lastSeen.set(userId, this.clock());
  }

  /**
   * `presence:watch`: the socket now watches exactly `userIds` (and its own person), and gets their
   * current presences. Ids of no one are left out of both. One read per collection, whatever the
   * number of ids. A later call wins even if an earlier one answers after it.
   */
  async watch(socketId: string, userIds: readonly string[]): Promise<PresenceEvent[]> {
    const ticket = this.watchers.ticket(socketId);
    const before = this.watchers.watchedBy(socketId);
    const unique = [...new Set(userIds)];
    // Watch at once, so that no change pushed while the answer is read is missed.
    this.watchers.replace(socketId, unique, ticket);
    const since = this.pushes;
    // Every change stamped before this is in what the reads below find: from now on, pushes of
    // such changes skip this socket (deliver). With several processes a change made elsewhere
    // carries no stamp of ours, so there every push goes out.
    const stamp = ++this.stamps;
    if (!this.clustered) this.watchers.answers(socketId, ticket, stamp, unique);
    let found: Map<string, Presence>;
    try {
      found = await this.watchReads.get(unique);
    } catch (err) {
      // A failed request changes nothing: the set it had, and what it was skipped meanwhile.
      this.watchers.replace(socketId, before, ticket);
      if (!this.clustered) this.resendSkipped(socketId, ticket, before);
      throw err;
    }
    const ids = unique.filter((id) => found.has(id));
    if (ids.length < unique.length) this.watchers.replace(socketId, ids, ticket);
    // Someone pushed meanwhile to this socket too (a change stamped after this watch began; with
    // several processes, any): answer with that, not an older read. A push of an older change went
    // only to the sockets that had not read it, and this read is at least as new.
    return ids.map((userId) => {
      const pushed = this.lastPushed.get(userId);
      const sent = pushed && pushed.push > since && (this.clustered || pushed.mark >= stamp);
      return { userId, presence: sent ? pushed.presence : found.get(userId)! };
    });
  }

  /**
   * A watch failed after its stamp let pushes skip the socket: from now on every push reaches it
   * (Watchers.failed), and it gets now, from memory (no read), the last pushed presence of everyone
   * it watches: whatever it was skipped meanwhile is among them. Duplicates are harmless; a gap is not.
   */
  private resendSkipped(socketId: string, ticket: number, watched: readonly string[]): void {
    // Overtaken by a later watch (or gone): that one answers for everything it watches.
    if (!this.watchers.failed(socketId, ticket)) return;
    const missed: PresenceEvent[] = [];
    for (const userId of watched) {
      const pushed = this.lastPushed.get(userId);
      if (pushed) missed.push({ userId, presence: pushed.presence });
    }
    if (missed.length > 0) this.realtime.io.sockets.sockets.get(socketId)?.emit('presence', missed);
  }

  /** One batch of watches: which ids are people (an id-only read) and their presences, one read per collection. */
  private async readForWatch(ids: string[]): Promise<Map<string, Presence>> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    const [known, presences] = await Promise.all([this.directory.existingUserIds(valid), this.getMany(valid)]);
    for (const id of presences.keys()) if (!known.has(id)) presences.delete(id);
    return presences;
  }

  /** Anything the person did on any connection: ends an automatic away. Returns when (ms). */
  activity(userId: string): number {
    const now = this.clock();
    this.lastActive.set(userId, now);
    if (this.idle.delete(userId)) this.changed(userId);
    return now.getTime();
  }

  async set(user: User, input: PresenceSetPayload): Promise<Presence> {
    await this.settings.updateOne(
      { userId: oid(user.id) },
      {
        $set: {
          ...(input.availability ? { availability: input.availability } : {}),
          ...(input.statusText !== undefined ? { statusText: input.statusText } : {}),
          updatedAt: this.clock(),
        },
        // An availability set by hand during a meeting is what they want shown: the automatic
        // 会議中 gives way to it, and the end of the meeting does not undo it.
        ...(input.availability ? { $unset: { meetingId: 1 } } : {}),
      },
      { upsert: true },
    );
    this.activity(user.id);
    this.changed(user.id);
    return (await this.getMany([user.id])).get(user.id)!;
  }

  /**
   * Meetings (server/meetings): the person joined (`meetingId`) or left (null) a running meeting;
   * while joined, availability shows `in_meeting` unless they set something else by hand. Leaving
   * clears only that meeting's mark (they may have joined another since). One write; the change
   * goes out through the coalesced push like any other.
   */
  async setMeeting(userId: string, meetingId: string | null, leftMeetingId?: string): Promise<void> {
    if (meetingId) {
      await this.settings.updateOne(
        { userId: oid(userId) },
        { $set: { meetingId: oid(meetingId) }, $setOnInsert: { availability: 'available', statusText: '', updatedAt: this.clock() } },
        { upsert: true },
      );
    } else if (leftMeetingId) {
      await this.settings.updateOne({ userId: oid(userId), meetingId: oid(leftMeetingId) }, { $unset: { meetingId: 1 } });
    }
    this.changed(userId);
  }

  /** A meeting ended: everyone still marked as in it is not any more (one write for all). */
  async meetingEnded(meetingId: string, memberIds: readonly string[]): Promise<void> {
    await this.settings.updateMany({ meetingId: oid(meetingId) }, { $unset: { meetingId: 1 } });
    for (const id of memberIds) this.changed(id);
  }

  private checkIdle(): void {
    const cutoff = this.clock().getTime() - this.config.IDLE_AWAY_S * 1000;
    for (const userId of this.connections.connectedUserIds()) {
      const last = this.lastActive.get(userId)?.getTime();
      // Unknown only for someone resumed after a restart who has not reconnected: not idle here.
      if (last !== undefined && last < cutoff && !this.idle.has(userId)) {
        this.idle.add(userId);
        this.changed(userId);
      }
    }
  }

  // ── derive ──────────────────────────────────────────────────

  async getMany(userIds: readonly string[]): Promise<Map<string, Presence>> {
    const [settings, since, elsewhere] = await Promise.all([
      this.settings.find({ userId: { $in: userIds.map(oid) } }).lean<PresenceSettingDoc[]>(),
      this.telework.activeSince(userIds),
      this.socketsElsewhere(userIds),
    ]);
    const byUser = new Map(settings.map((s) => [s.userId.toString(), s]));
    const idleCutoff = this.clock().getTime() - this.config.IDLE_AWAY_S * 1000;
    return new Map(
      userIds.map((id) => {
        const here = this.connections.isConnected(id);
        const there = elsewhere.get(id);
        const connected = here || there !== undefined;
        // Away only when idle on every connection, on this process and on the others.
        const idle = (!here || this.idle.has(id)) && (there ?? []).every((activeAt) => activeAt < idleCutoff);
        return [id, this.derive(id, connected, idle, byUser.get(id), since.get(id))];
      }),
    );
  }

  /**
   * With several processes: the last activity of each socket other processes hold for these
   * people, asked only for those this process cannot answer for (not connected here, or idle
   * here). One cluster request for the batch, answered in proportion to those people's sockets.
   */
  private async socketsElsewhere(userIds: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (!this.clustered) return out;
    const ask = userIds.filter((id) => !this.connections.isConnected(id) || this.idle.has(id));
    if (ask.length === 0) return out;
    const sockets = await this.realtime.io.in(ask.map(userRoom)).fetchSockets();
    const local = this.realtime.io.sockets.sockets;
    for (const socket of sockets) {
      const id = socket.data.auth?.user.id;
      if (!id || local.has(socket.id)) continue;
      const activeAt = (socket.data as { activeAt?: number }).activeAt ?? 0;
      out.set(id, [...(out.get(id) ?? []), activeAt]);
    }
    return out;
  }

  private derive(userId: string, connected: boolean, idle: boolean, setting: PresenceSettingDoc | undefined, teleworkSince: Date | undefined): Presence {
    const manual = setting?.availability ?? 'available';
    const lastActiveAt = this.lastActive.get(userId);
    return {
      state: teleworkSince ? 'teleworking' : connected ? 'in_office' : 'offline',
      // A hand-set availability stands; then a running meeting the person joined (会議中, set
      // and cleared by server/meetings); otherwise idleness on every connection means away.
      availability: manual !== 'available' ? manual : setting?.meetingId ? 'in_meeting' : connected && idle ? 'away' : 'available',
      ...(setting?.statusText ? { statusText: setting.statusText } : {}),
      ...(teleworkSince ? { teleworkSince: teleworkSince.toISOString() } : {}),
      ...(lastActiveAt ? { lastActiveAt: lastActiveAt.toISOString() } : {}),
      ...(!teleworkSince && !connected && setting?.lastSeenAt ? { lastSeenAt: setting.lastSeenAt.toISOString() } : {}),
    };
  }

  /**
   * Stores who is connected, one bulk write per collection for the whole window (none when nobody
   * came or left): those of `ids` whose connections here have all closed (grace over) get
   * `lastSeenAt` in `presence_settings`, when they were last connected, for the board; in
   * `presence_online`, for a restart to read (resumeAfterRestart), those who came online are added
   * and those who are gone removed, in one bulk write. People whose `presence_online` write failed
   * are written again at the next push, whoever it is for. With several processes, or no grace
   * period, only `lastSeenAt` is written.
   */
  private async recordConnections(ids: readonly string[]): Promise<void> {
    const gone = ids.filter((id) => this.lastSeen.has(id) && !this.connections.isConnected(id));
    const retry = new Set(this.unsure);
    this.unsure.clear();
    const candidates = !this.resumable ? [] : retry.size > 0 ? [...new Set([...ids, ...retry])] : ids;
    const came = candidates.filter((id) => this.connections.isConnected(id) && !this.storedOnline.has(id));
    const left = candidates.filter((id) => !this.connections.isConnected(id) && (this.storedOnline.has(id) || retry.has(id)));
    const now = this.clock();
    const lastSeenWrites = gone.map((id) => lastSeenWrite(id, this.lastSeen.get(id)!, now));
    const onlineWrites = [
      ...left.map((id) => ({ deleteOne: { filter: { _id: oid(id) } } })),
      // Inserts (a sixth of an upsert's work on the stand-in, which 3,000 arrivals at 8:30 feel);
      // one already there (a retry of a write that partly landed) is a duplicate key, and fine.
      ...came.map((id) => ({ insertOne: { document: { _id: oid(id), since: now } } })),
    ];
    for (const id of gone) this.lastSeen.delete(id);
    for (const id of left) this.storedOnline.delete(id);
    for (const id of came) this.storedOnline.add(id);
    const [lastSeen, online] = await Promise.allSettled([
      lastSeenWrites.length > 0 ? this.settings.bulkWrite(lastSeenWrites, { ordered: false }) : undefined,
      onlineWrites.length > 0 ? this.online.collection.bulkWrite(onlineWrites, { ordered: false }).catch(unlessOnlyDuplicates) : undefined,
    ]);
    if (lastSeen.status === 'rejected') {
      log.warn({ err: lastSeen.reason, count: gone.length }, 'presence: last-seen times could not be written (the board shows them at the next disconnect)');
    }
    if (online.status === 'rejected') {
      // Some of the writes may have landed (unordered): every one of them is written again, which
      // is harmless (an insert already there, a delete of one gone), at the next push.
      for (const id of came) this.storedOnline.delete(id);
      for (const id of [...came, ...left]) this.unsure.add(id);
      log.warn({ err: online.reason, came: came.length, left: left.length }, 'presence: who is connected could not be stored (tried again at the next push)');
    }
  }

  // ── push (coalesced) ────────────────────────────────────────

  /**
   * Marks a person's presence as possibly changed. Changes are gathered for
   * PRESENCE_COALESCE_MS and then pushed once per person whose presence really differs from
   * what was last pushed, so a burst of connects, idles and reconnects becomes one event.
   */
  private changed(userId: string): void {
    this.markedAt.set(userId, ++this.stamps);
    this.dirty.add(userId);
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flush()).catch((e) => log.error({ err: e }, 'presence push failed'));
    }, this.config.PRESENCE_COALESCE_MS);
    this.flushTimer.unref();
  }

  private async flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    await this.recordConnections(ids);
    const presences = await this.getMany(ids);
    const push = ++this.pushes;
    const changes: PresenceEvent[] = [];
    // Each person's latest stamp, taken after the read: a socket whose watch read began after it
    // already shows at least what this push carries, and is skipped (deliver).
    const marks: number[] = [];
    for (const [userId, presence] of presences) {
      const sig = signature(presence);
      if (this.lastPushed.get(userId)?.sig === sig) continue;
      const mark = this.markedAt.get(userId) ?? 0;
      this.lastPushed.set(userId, { sig, presence, push, mark });
      changes.push({ userId, presence });
      marks.push(mark);
    }
    if (changes.length === 0) return;
    // Once per window for the whole batch: every other process delivers it to its own watchers.
    if (this.clustered) this.realtime.io.serverSideEmit('presence:changed', changes);
    await this.deliver(changes, marks);
    await this.pushOverviews(changes);
  }

  /** Changes another process pushed: ours to deliver here, unless this process pushed the same. */
  private receive(changes: PresenceEvent[]): void {
    const push = ++this.pushes;
    const fresh = changes.filter((c) => {
      const sig = signature(c.presence);
      if (this.lastPushed.get(c.userId)?.sig === sig) return false;
      this.lastPushed.set(c.userId, { sig, presence: c.presence, push, mark: Infinity });
      return true;
    });
    if (fresh.length === 0) return;
    // In the same queue as our own pushes: a socket never gets a person's older presence after a newer one.
    this.flushing = this.flushing
      .then(() => this.deliver(fresh))
      .then(() => this.pushOverviews(fresh))
      .catch((e) => log.error({ err: e }, 'presence push failed'));
  }

  /**
   * One `presence` event per local socket that watches someone in `changes` (or is one of them),
   * carrying just those people. Costs the watchers of the changed people, not the organisation.
   * With `marks` (our own pushes), a socket whose latest watch began after a change's stamp reads
   * it in its answer and is left out (Watchers.socketsToTell).
   *
   * Sockets that get the very same people (a team watches the same colleagues; a person's tabs
   * watch the same list) get one packet encoded once and written to each of them: Socket.IO
   * encodes an event once per broadcast, but once per socket for `socket.emit`, and encoding the
   * same ~100 presences for each of 3,000 sockets was most of a connect storm's push cost.
   *
   * Written about DELIVER_CHUNK sockets per turn of the event loop: after a restart every person
   * changes in one window, and writing to every socket in one go held the loop for seconds
   * (long enough for the driver's monitor to call the database dead, in the reconnect storm).
   */
  private async deliver(changes: PresenceEvent[], marks?: readonly number[]): Promise<void> {
    // Watches that begin after this are checked again when their socket's turn comes (below).
    const planned = this.stamps;
    // Per socket, the indexes (ascending) of the changes it must hear of: that list is its group's key.
    const perSocket = new Map<string, number[]>();
    changes.forEach((change, index) => {
      const to = marks ? this.watchers.socketsToTell(change.userId, marks[index]!) : this.watchers.socketsWatching(change.userId);
      for (const socketId of to) {
        const batch = perSocket.get(socketId);
        if (batch) batch.push(index);
        else perSocket.set(socketId, [index]);
      }
    });
    const groups = new Map<string, { indexes: number[]; socketIds: string[] }>();
    for (const [socketId, indexes] of perSocket) {
      const key = indexes.join(',');
      const group = groups.get(key);
      if (group) group.socketIds.push(socketId);
      else groups.set(key, { indexes, socketIds: [socketId] });
    }
    const sockets = this.realtime.io.sockets.sockets;
    let reached = 0;
    let written = 0;
    for (const { indexes, socketIds } of groups.values()) {
      let present = socketIds.filter((id) => sockets.has(id));
      if (marks) {
        const split = this.leaveOutRewatched(present, planned, indexes, changes, marks);
        present = split.rest;
        reached += split.sentAlone;
        written += split.sentAlone;
      }
      if (present.length === 0) continue;
      const batch = indexes.map((i) => changes[i]!);
      // Each socket is alone in the room named by its id; `local`: other processes deliver to their own.
      if (present.length === 1) sockets.get(present[0]!)!.emit('presence', batch);
      else this.realtime.io.local.to(present).emit('presence', batch);
      reached += present.length;
      written += present.length;
      if (written >= DELIVER_CHUNK) {
        written = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.onDelivered?.(reached);
  }

  /**
   * Sockets that sent a watch after `deliver` planned this push (it writes in chunks, across turns
   * of the event loop) may have been answered with newer presences than it carries already: each
   * of them gets only the changes its new watch does not show, on its own; the rest keep the shared
   * packet. Otherwise the older push would land after the newer answer, and the next push of that
   * person would skip the socket.
   */
  private leaveOutRewatched(
    present: string[],
    planned: number,
    indexes: number[],
    changes: PresenceEvent[],
    marks: readonly number[],
  ): { rest: string[]; sentAlone: number } {
    const rewatched = present.filter((id) => this.watchers.stampOf(id) > planned);
    if (rewatched.length === 0) return { rest: present, sentAlone: 0 };
    const sockets = this.realtime.io.sockets.sockets;
    let sentAlone = 0;
    for (const id of rewatched) {
      const left = indexes.filter((i) => !this.watchers.knows(id, changes[i]!.userId, marks[i]!));
      if (left.length === 0) continue;
      sockets.get(id)!.emit('presence', left.map((i) => changes[i]!));
      sentAlone += 1;
    }
    const skip = new Set(rewatched);
    return { rest: present.filter((id) => !skip.has(id)), sentAlone };
  }

  /**
   * Supervisors watching a board of a department at or above a changed person's get that person's
   * row and the board's counts. Only the changed people's rows are built (one read per collection);
   * the counts come from the board this process keeps (OverviewBoards). Each process serves the
   * boards watched through it; other processes hear of changes through `presence:changed`.
   */
  private async pushOverviews(changes: PresenceEvent[]): Promise<void> {
    const rooms = this.realtime.io.sockets.adapter.rooms;
    this.boards.prune((deptId) => (rooms.get(overviewRoom(deptId))?.size ?? 0) > 0);
    // Most of the time no supervisor on this process watches anything: then there is nothing to do.
    if (this.boards.size === 0) return;
    const [users, departments] = await Promise.all([this.directory.getUsers(changes.map((c) => c.userId)), this.directory.listDepartments()]);
    const parentOf = new Map(departments.map((d) => [d.id, d.parentId]));
    const routed: { user: User; departmentIds: string[] }[] = [];
    for (const user of users) {
      const above = new Set<string>();
      for (let id: string | null = user.departmentId; id && !above.has(id); id = parentOf.get(id) ?? null) above.add(id);
      this.boards.leaveOthers(user.id, above);
      const departmentIds = [...above].filter((id) => this.boards.has(id));
      if (departmentIds.length > 0) routed.push({ user, departmentIds });
    }
    if (routed.length === 0) return;
    const minutes = await this.telework.minutesToday(routed.map((r) => r.user.id));
    const presenceOf = new Map(changes.map((c) => [c.userId, c.presence]));
    for (const { user, departmentIds } of routed) {
      const presence = presenceOf.get(user.id)!;
      const member = { user, presence, teleworkMinutesToday: minutes.get(user.id) ?? 0 };
      for (const departmentId of departmentIds) {
        const counts = this.boards.apply(departmentId, user.id, presence.state);
        if (counts) this.realtime.io.local.to(overviewRoom(departmentId)).emit('overview:member', { departmentId, member, counts });
      }
    }
  }

  // ── the supervisor's view ───────────────────────────────────

  /** Supervisors of the department or one above it, and admins; anyone else: 403. */
  checkOverviewAccess(viewer: User, departmentId: string): Promise<void> {
    return this.directory.requireOversight(viewer, departmentId);
  }

  async overview(viewer: User, departmentId: string): Promise<Overview> {
    await this.checkOverviewAccess(viewer, departmentId);
    return this.buildOverview(departmentId);
  }

  /**
   * `overview:watch`: the overview now, and from here on its changes. `join` puts the socket in the
   * board's room; the board's counts start from the overview built here.
   */
  async watchOverview(viewer: User, departmentId: string, join: () => Promise<void> | void): Promise<Overview> {
    const overview = await this.overview(viewer, departmentId);
    await join();
    this.boards.follow(overview);
    return overview;
  }

  private async buildOverview(departmentId: string): Promise<Overview> {
    const department = await this.directory.getDepartment(departmentId);
    const users = await this.directory.listUsers({ departmentIds: await this.directory.subtreeIds(departmentId) });
    const ids = users.map((u) => u.id);
    const [presences, minutes] = await Promise.all([this.getMany(ids), this.telework.minutesToday(ids)]);
    const members = users.map((user) => ({ user, presence: presences.get(user.id)!, teleworkMinutesToday: minutes.get(user.id) ?? 0 }));
    const counts = { teleworking: 0, in_office: 0, offline: 0 };
    for (const m of members) counts[m.presence.state] += 1;
    return { department, counts, members };
  }
}
