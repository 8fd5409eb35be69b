import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { EndReason, TeleworkSession, TeleworkStatus } from '../../shared/schemas/telework.js';
import type { Clock, Monotonic } from '../clock.js';
import type { Config } from '../config.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import { startOfTokyoDay, teleworkMinutesToday } from './minutes-today.js';
import { teleworkSessionModel, type TeleworkSessionDoc } from './telework-session.model.js';
import { licenceRefusalModel, type LicenceRefusalDoc } from './licence-refusal.model.js';
import { log } from '../log.js';

/** Who is calling: the remote-desktop gateway (by its token) or a signed-in person. */
export type TeleworkActor = { kind: 'gateway' } | { kind: 'user'; user: User };

const oid = (id: string) => new Types.ObjectId(id);

function toDto(doc: TeleworkSessionDoc): TeleworkSession {
  return {
    id: doc._id.toString(),
    userId: doc.userId.toString(),
    startedAt: doc.startedAt.toISOString(),
    lastHeartbeatAt: doc.lastHeartbeatAt.toISOString(),
    ...(doc.endedAt ? { endedAt: doc.endedAt.toISOString() } : {}),
    ...(doc.endReason ? { endReason: doc.endReason } : {}),
    source: doc.source,
  };
}

/**
 * Telework sessions and the licence pool. The only writer of `telework_sessions`.
 * See README.md beside this file for the guarantees.
 */
export class TeleworkService {
  private readonly sessions: Model<TeleworkSessionDoc>;
  private readonly refusals: Model<LicenceRefusalDoc>;
  private readonly queue = new KeyedQueue();
  private sweeper?: NodeJS.Timeout;
  /** Per active session: the heartbeat count last seen, and when (monotonic) it was first seen. */
  private readonly seen = new Map<string, { beats: number; since: number }>();
  /** Told whenever someone's telework state changes (presence listens). */
  onChange: (userId: string) => void = () => {};

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly monotonic: Monotonic,
  ) {
    this.sessions = teleworkSessionModel(conn);
    this.refusals = licenceRefusalModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.sessions.createIndexes(), this.refusals.createIndexes()]);
    // Timeouts resume from the database: whatever process runs the sweep sees every session.
    const everyMs = Math.min(5_000, Math.max(200, (this.config.TELEWORK_HEARTBEAT_TIMEOUT_S * 1000) / 4));
    this.sweeper = setInterval(() => void this.sweepTimeouts().catch((err) => log.error({ err }, 'telework timeout sweep failed')), everyMs);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  // ── start ───────────────────────────────────────────────────

  /** Starts a session (201), or returns the person's active one (200). */
  async start(actor: TeleworkActor, requestedUserId?: string): Promise<{ session: TeleworkSession; created: boolean }> {
    const userId = await this.checkStart(actor, requestedUserId);
    const existing = await this.sessions.findOne({ activeKey: `user:${userId}` }).lean<TeleworkSessionDoc>();
    if (existing) return { session: toDto(existing), created: false };
    const result = await this.queue.run('start', () => this.claimLicence(userId, actor.kind === 'gateway' ? 'gateway' : 'self'));
    if (result.created) this.onChange(userId);
    return result;
  }

  private async checkStart(actor: TeleworkActor, requestedUserId?: string): Promise<string> {
    if (actor.kind === 'gateway') {
      if (!requestedUserId) throw new AppError('bad_request', 'userId: the gateway names the person');
      await this.directory.getUser(requestedUserId); // 404 for an unknown person
      return requestedUserId;
    }
    if (requestedUserId && requestedUserId !== actor.user.id) {
      throw new AppError('forbidden', 'you can only start your own telework session');
    }
    return actor.user.id;
  }

  /**
   * Inserts the session holding a free licence slot. The unique index on `slotKey` decides
   * races, in this process and in others: a refused slot means someone took it first, so look
   * again. No free slot left: `license_exhausted`.
   */
  private async claimLicence(userId: string, source: 'self' | 'gateway'): Promise<{ session: TeleworkSession; created: boolean }> {
    const capacity = this.config.TELEWORK_CAPACITY;
    for (let attempt = 0; attempt < capacity + 50; attempt++) {
      const taken = new Set(
        (await this.sessions.find({ active: true }, { slotKey: 1 }).lean<{ slotKey: string }[]>()).map((s) => s.slotKey),
      );
      const free: number[] = [];
      for (let n = 0; n < capacity; n++) if (!taken.has(`slot:${n}`)) free.push(n);
      if (free.length === 0) {
        // Kept for the licence report: how often the pool turned someone away.
        await this.refusals.create({ userId: oid(userId), at: this.clock(), source });
        throw new AppError('license_exhausted', `all ${capacity} telework licences are in use`);
      }
      // A random free slot: several processes starting at once rarely pick the same one.
      const slot = free[Math.floor(Math.random() * free.length)]!;
      const now = this.clock();
      try {
        const doc = await this.sessions.create({
          userId: oid(userId),
          startedAt: now,
          lastHeartbeatAt: now,
          beats: 0,
          source,
          active: true,
          activeKey: `user:${userId}`,
          slotKey: `slot:${slot}`,
        });
        return { session: toDto(doc.toObject()), created: true };
      } catch (err) {
        const keys = isDuplicateKey(err);
        if (keys?.includes('slotKey')) continue;
        if (keys?.includes('activeKey')) {
          const winner = await this.sessions.findOne({ activeKey: `user:${userId}` }).lean<TeleworkSessionDoc>();
          if (winner) return { session: toDto(winner), created: false };
        }
        throw err;
      }
    }
    throw new AppError('unavailable', 'licence pool is too busy; try again');
  }

  // ── heartbeat and end ───────────────────────────────────────

  private async requireOwnedOrGateway(actor: TeleworkActor, sessionId: string, allowAdmin: boolean): Promise<TeleworkSessionDoc> {
    const doc = await this.sessions.findById(sessionId).lean<TeleworkSessionDoc>();
    if (!doc) throw new AppError('not_found', 'telework session not found');
    const mine = actor.kind === 'gateway' || doc.userId.toString() === actor.user.id;
    const admin = actor.kind === 'user' && actor.user.role === 'admin';
    if (!mine && !(allowAdmin && admin)) throw new AppError('forbidden', "not your telework session");
    if (!doc.active) throw new AppError('conflict', 'this telework session has already ended');
    return doc;
  }

  /**
   * Keeps a session alive. A heartbeat that comes after the timeout has passed does not revive the
   * session (the sweep may simply not have run yet): it ends it as `timeout` and answers 409.
   */
  async heartbeat(actor: TeleworkActor, sessionId: string): Promise<void> {
    const doc = await this.requireOwnedOrGateway(actor, sessionId, false);
    if (this.overdue(doc)) {
      await this.finish(doc, 'timeout', doc.lastHeartbeatAt);
      throw new AppError('conflict', 'this telework session has already ended');
    }
    const after = await this.sessions
      .findOneAndUpdate(
        { _id: doc._id, active: true },
        { $inc: { beats: 1 }, $set: { lastHeartbeatAt: this.clock() } },
        { returnDocument: 'after', projection: { beats: 1 } },
      )
      .lean<{ beats: number }>();
    if (!after) throw new AppError('conflict', 'this telework session has already ended');
    this.seen.set(sessionId, { beats: after.beats, since: this.monotonic() });
  }

  /**
   * Whether this process has watched the session's heartbeat count stand still for longer than the
   * timeout. Age is measured on the monotonic clock, never by comparing wall-clock times, so a
   * stepped system clock neither ends a session that is beating nor keeps one that is silent.
   */
  private overdue(doc: TeleworkSessionDoc): boolean {
    const seen = this.seen.get(doc._id.toString());
    return !!seen && seen.beats === (doc.beats ?? 0) && this.monotonic() - seen.since > this.config.TELEWORK_HEARTBEAT_TIMEOUT_S * 1000;
  }

  /** Its owner or the gateway ends it (`ended`); an admin may end anyone's (`forced`). */
  async end(actor: TeleworkActor, sessionId: string): Promise<TeleworkSession> {
    const doc = await this.requireOwnedOrGateway(actor, sessionId, true);
    const own = actor.kind === 'gateway' || doc.userId.toString() === actor.user.id;
    const ended = await this.finish(doc, own ? 'ended' : 'forced', this.clock());
    if (!ended) throw new AppError('conflict', 'this telework session has already ended');
    return toDto(ended);
  }

  /** Ends an active session, freeing its person and licence; null if it had ended already. */
  private async finish(doc: TeleworkSessionDoc, reason: EndReason, endedAt: Date): Promise<TeleworkSessionDoc | null> {
    const ended = await this.sessions
      .findOneAndUpdate(
        // A timeout holds only if no heartbeat came in between (in any process).
        { _id: doc._id, active: true, ...(reason === 'timeout' ? { beats: doc.beats ?? { $exists: false } } : {}) },
        {
          $set: {
            active: false,
            endedAt,
            endReason: reason,
            activeKey: `ended:${doc._id}`,
            slotKey: `ended:${doc._id}`,
          },
        },
        { returnDocument: 'after' },
      )
      .lean<TeleworkSessionDoc>();
    if (ended) this.onChange(doc.userId.toString());
    return ended;
  }

  /**
   * Ends sessions whose heartbeat count has not moved for the timeout, as measured by this process's
   * monotonic clock from the moment it first saw that count (every process sweeps; a heartbeat in
   * any of them moves the shared count). The update is conditional on the count seen, so a
   * heartbeat that arrives meanwhile wins. `endedAt` is the last heartbeat: the last moment the
   * person was known to be there. After a restart the count is watched afresh, so a session whose
   * gateway died meanwhile ends one timeout after the restart.
   */
  async sweepTimeouts(): Promise<void> {
    const active = await this.sessions
      .find({ active: true }, { userId: 1, lastHeartbeatAt: 1, beats: 1 })
      .lean<TeleworkSessionDoc[]>();
    const now = this.monotonic();
    const live = new Set<string>();
    for (const doc of active) {
      const id = doc._id.toString();
      live.add(id);
      const seen = this.seen.get(id);
      if (!seen || seen.beats !== (doc.beats ?? 0)) this.seen.set(id, { beats: doc.beats ?? 0, since: now });
      else if (this.overdue(doc)) await this.finish(doc, 'timeout', doc.lastHeartbeatAt);
    }
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
  }

  // ── read ────────────────────────────────────────────────────

  async status(): Promise<TeleworkStatus> {
    return { capacity: this.config.TELEWORK_CAPACITY, active: await this.sessions.countDocuments({ active: true }) };
  }

  async get(actor: TeleworkActor, sessionId: string): Promise<TeleworkSession> {
    const doc = Types.ObjectId.isValid(sessionId) ? await this.sessions.findById(sessionId).lean<TeleworkSessionDoc>() : null;
    if (!doc) throw new AppError('not_found', 'telework session not found');
    const allowed = actor.kind === 'gateway' || doc.userId.toString() === actor.user.id || actor.user.role === 'admin';
    if (!allowed) throw new AppError('forbidden', 'not your telework session');
    return toDto(doc);
  }

  async current(userId: string): Promise<TeleworkSession | null> {
    const doc = await this.sessions.findOne({ activeKey: `user:${userId}` }).lean<TeleworkSessionDoc>();
    return doc ? toDto(doc) : null;
  }

  /** Start time of each person's active session, for those who have one. */
  async activeSince(userIds: readonly string[]): Promise<Map<string, Date>> {
    const docs = await this.sessions
      .find({ active: true, userId: { $in: userIds.map(oid) } }, { userId: 1, startedAt: 1 })
      .lean<{ userId: Types.ObjectId; startedAt: Date }[]>();
    return new Map(docs.map((d) => [d.userId.toString(), d.startedAt]));
  }

  /**
   * Every session overlapping [from, to) — started before `to`, and still open or ended after
   * `from` — for reports: one query, through the `startedAt` index.
   */
  async sessionsOverlapping(from: Date, to: Date, userIds?: readonly string[]): Promise<{ userId: string; startedAt: Date; endedAt: Date | null }[]> {
    const docs = await this.sessions
      .find(
        {
          startedAt: { $lt: to },
          $or: [{ active: true }, { endedAt: { $gt: from } }],
          ...(userIds ? { userId: { $in: userIds.map(oid) } } : {}),
        },
        { userId: 1, startedAt: 1, endedAt: 1 },
      )
      .lean<{ userId: Types.ObjectId; startedAt: Date; endedAt?: Date }[]>();
    return docs.map((d) => ({ userId: d.userId.toString(), startedAt: d.startedAt, endedAt: d.endedAt ?? null }));
  }

  /** Starts refused `license_exhausted` in [from, to): who and when. */
  async refusalsBetween(from: Date, to: Date): Promise<{ userId: string; at: Date }[]> {
    const docs = await this.refusals.find({ at: { $gte: from, $lt: to } }, { userId: 1, at: 1 }).lean<{ userId: Types.ObjectId; at: Date }[]>();
    return docs.map((d) => ({ userId: d.userId.toString(), at: d.at }));
  }

  /**
   * The demo's month of history: ended sessions and refused starts, one write each. Each session
   * holds an `ended:` key, so no licence or person is taken.
   */
  async seedHistory(rows: readonly { userId: string; startedAt: Date; endedAt: Date }[], refusals: readonly { userId: string; at: Date }[] = []): Promise<void> {
    if (refusals.length > 0) await this.refusals.insertMany(refusals.map((r) => ({ userId: oid(r.userId), at: r.at, source: 'gateway' })));
    if (rows.length === 0) return;
    await this.sessions.insertMany(
      rows.map((r) => {
        const _id = new Types.ObjectId();
        return {
          _id,
          userId: oid(r.userId),
          startedAt: r.startedAt,
          lastHeartbeatAt: r.endedAt,
          beats: 0,
          endedAt: r.endedAt,
          endReason: 'ended',
          source: 'gateway',
          active: false,
          activeKey: `ended:${_id}`,
          slotKey: `ended:${_id}`,
        };
      }),
    );
  }

  /** Minutes of telework today (Asia/Tokyo) per person. */
  async minutesToday(userIds: readonly string[]): Promise<Map<string, number>> {
    const now = this.clock();
    const docs = await this.sessions
      .find({
        userId: { $in: userIds.map(oid) },
        startedAt: { $lt: now },
        $or: [{ active: true }, { endedAt: { $gt: startOfTokyoDay(now) } }],
      })
      .lean<TeleworkSessionDoc[]>();
    const byUser = new Map<string, TeleworkSessionDoc[]>();
    for (const d of docs) byUser.set(d.userId.toString(), [...(byUser.get(d.userId.toString()) ?? []), d]);
    return new Map(userIds.map((id) => [id, teleworkMinutesToday(byUser.get(id) ?? [], now)]));
  }
}
