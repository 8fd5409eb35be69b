import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Presence, PresenceSetPayload } from '../../shared/schemas/presence.js';
import type { Overview } from '../../shared/schemas/telework.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { Realtime } from '../realtime.js';
import type { TeleworkService } from '../telework/telework.service.js';
import { Connections } from './connections.js';
import { presenceSettingModel, type PresenceSettingDoc } from './presence-setting.model.js';

const oid = (id: string) => new Types.ObjectId(id);
export const overviewRoom = (departmentId: string) => `overview:${departmentId}`;

/** What a presence event compares: a change of lastActiveAt alone is not worth an event. */
const signature = (p: Presence) => [p.state, p.availability, p.statusText ?? '', p.teleworkSince ?? ''].join('|');

/**
 * Presence, derived from telework sessions, live connections and the person's own setting.
 * The only writer of `presence_settings`. See README.md beside this file.
 */
export class PresenceService {
  private readonly settings: Model<PresenceSettingDoc>;
  private readonly connections: Connections;
  private readonly lastActive = new Map<string, Date>();
  private readonly idle = new Set<string>();
  private readonly lastPushed = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Several processes behind the Redis adapter: connections and pushes must be shared. */
  private readonly clustered: boolean;

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly directory: DirectoryService,
    private readonly telework: TeleworkService,
    private readonly realtime: Realtime,
    private readonly clock: Clock,
  ) {
    this.settings = presenceSettingModel(conn);
    this.clustered = Boolean(config.REDIS_URL);
    this.connections = new Connections(config.PRESENCE_GRACE_S * 1000, (userId) => this.changed(userId));
    telework.onChange = (userId) => this.changed(userId);
  }

  async init(): Promise<void> {
    await this.settings.createIndexes();
    if (this.clustered) {
      // Another process pushed these: remember them as pushed, and update our own overview watchers.
      this.realtime.io.on('presence:pushed', (changes) => {
        for (const c of changes) this.lastPushed.set(c.userId, c.signature);
        void this.pushOverviews(changes.map((c) => c.userId)).catch((e) => console.error('[presence] overview push failed:', e));
      });
    }
    const everyMs = Math.min(5_000, Math.max(200, (this.config.IDLE_AWAY_S * 1000) / 4));
    this.idleTimer = setInterval(() => this.checkIdle(), everyMs);
    this.idleTimer.unref();
  }

  /** Stops the timers and waits for a push under way, so nothing touches a closed database. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.idleTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.connections.stop();
    await this.flushing;
  }

  // ── inputs ──────────────────────────────────────────────────

  connected(userId: string, socketId: string): void {
    this.lastActive.set(userId, this.clock());
    this.connections.add(userId, socketId);
    this.activity(userId);
  }

  disconnected(userId: string, socketId: string): void {
    this.connections.remove(userId, socketId);
  }

  /** Anything the person did on any connection: ends an automatic away. */
  activity(userId: string): void {
    this.lastActive.set(userId, this.clock());
    if (this.idle.delete(userId)) this.changed(userId);
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
      },
      { upsert: true },
    );
    this.activity(user.id);
    this.changed(user.id);
    return (await this.getMany([user.id])).get(user.id)!;
  }

  private checkIdle(): void {
    const cutoff = this.clock().getTime() - this.config.IDLE_AWAY_S * 1000;
    for (const userId of this.connections.connectedUserIds()) {
      const last = this.lastActive.get(userId)?.getTime() ?? 0;
      if (last < cutoff && !this.idle.has(userId)) {
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
      this.connectedElsewhere(),
    ]);
    const byUser = new Map(settings.map((s) => [s.userId.toString(), s]));
    return new Map(
      userIds.map((id) => {
        const connected = this.connections.isConnected(id) || elsewhere.has(id);
        return [id, this.derive(id, connected, byUser.get(id), since.get(id))];
      }),
    );
  }

  /** People with a connection on any process (only asked when there are several). */
  private async connectedElsewhere(): Promise<Set<string>> {
    if (!this.clustered) return new Set();
    const sockets = await this.realtime.io.fetchSockets();
    return new Set(sockets.map((s) => s.data.auth?.user.id).filter((id): id is string => !!id));
  }

  private derive(userId: string, connected: boolean, setting: PresenceSettingDoc | undefined, teleworkSince: Date | undefined): Presence {
    const manual = setting?.availability ?? 'available';
    const lastActiveAt = this.lastActive.get(userId);
    return {
      state: teleworkSince ? 'teleworking' : connected ? 'in_office' : 'offline',
      // A hand-set availability stands; otherwise idleness on every connection means away.
      availability: manual !== 'available' ? manual : connected && this.idle.has(userId) ? 'away' : 'available',
      ...(setting?.statusText ? { statusText: setting.statusText } : {}),
      ...(teleworkSince ? { teleworkSince: teleworkSince.toISOString() } : {}),
      ...(lastActiveAt ? { lastActiveAt: lastActiveAt.toISOString() } : {}),
    };
  }

  // ── push (coalesced) ────────────────────────────────────────

  /**
   * Marks a person's presence as possibly changed. Changes are gathered for
   * PRESENCE_COALESCE_MS and then pushed once per person whose presence really differs from
   * what was last pushed, so a burst of connects, idles and reconnects becomes one event.
   */
  private changed(userId: string): void {
    this.dirty.add(userId);
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flush()).catch((e) => console.error('[presence] push failed:', e));
    }, this.config.PRESENCE_COALESCE_MS);
    this.flushTimer.unref();
  }

  private async flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const presences = await this.getMany(ids);
    const moved: { userId: string; signature: string }[] = [];
    for (const [userId, presence] of presences) {
      const sig = signature(presence);
      if (this.lastPushed.get(userId) === sig) continue;
      this.lastPushed.set(userId, sig);
      moved.push({ userId, signature: sig });
      // Everyone signed in may see everyone's presence (the directory is open to all staff).
      this.realtime.io.emit('presence', { userId, presence });
    }
    if (moved.length === 0) return;
    if (this.clustered) this.realtime.io.serverSideEmit('presence:pushed', moved);
    await this.pushOverviews(moved.map((m) => m.userId));
  }

  /**
   * Supervisors watching an overview of a department at or above a changed person's get the row.
   * Each process serves the watchers connected to it (`local`); other processes hear of the change
   * through `presence:pushed`.
   */
  private async pushOverviews(userIds: string[]): Promise<void> {
    const rooms = this.realtime.io.sockets.adapter.rooms;
    // Most of the time no supervisor on this process watches anything: then there is nothing to do.
    if (![...rooms.keys()].some((room) => room.startsWith(overviewRoom('')))) return;
    const [users, departments] = await Promise.all([this.directory.getUsers(userIds), this.directory.listDepartments()]);
    const watched = new Map<string, string[]>();
    for (const user of users) {
      for (const deptId of await this.directory.ancestorIds(user.departmentId, departments)) {
        if (!rooms.get(overviewRoom(deptId))?.size) continue;
        watched.set(deptId, [...(watched.get(deptId) ?? []), user.id]);
      }
    }
    for (const [deptId, memberIds] of watched) {
      const overview = await this.buildOverview(deptId);
      for (const member of overview.members.filter((m) => memberIds.includes(m.user.id))) {
        this.realtime.io.local.to(overviewRoom(deptId)).emit('overview:member', { departmentId: deptId, member, counts: overview.counts });
      }
    }
  }

  // ── the supervisor's view ───────────────────────────────────

  /** Supervisors of the department or one above it, and admins; anyone else: 403. */
  async checkOverviewAccess(viewer: User, departmentId: string): Promise<void> {
    await this.directory.getDepartment(departmentId); // 404 first
    if (viewer.role === 'admin') return;
    const above = await this.directory.ancestorIds(departmentId);
    if (viewer.role !== 'supervisor' || !above.includes(viewer.departmentId)) {
      throw new AppError('forbidden', "only supervisors of this department (or above) see its overview");
    }
  }

  async overview(viewer: User, departmentId: string): Promise<Overview> {
    await this.checkOverviewAccess(viewer, departmentId);
    return this.buildOverview(departmentId);
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
