import { createHash, randomBytes } from 'node:crypto';
import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { SessionInfo } from '../../shared/schemas/accounts.js';
import type { LoginBody, User } from '../../shared/schemas/auth.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { Limiters } from '../lib/limiter.js';
import { sessionRoom, type IoServer } from '../realtime.js';
import { Batcher } from '../lib/batcher.js';
import { LoginLimiter } from './login-limiter.js';
import { configurePasswordHashing, dummyHash, hashPassword, needsRehash, verifyPassword } from './password.js';
import { SessionCache } from './session-cache.js';
import { sessionModel, type SessionDoc } from './session.model.js';
import { log } from '../log.js';

/** Who is asking: set from the session, never from a payload. */
export interface AuthContext {
  user: User;
  sessionId: string;
  expiresAt: Date;
}

interface Revocation {
  sessionIds: string[];
  userIds: string[];
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A cache miss waits this long for others to share its read (a storm's handshakes come a few ms apart). */
const GATHER_MS = 5;
/** …and this long while a storm is under way (the previous batch carried several checks; server/lib/batcher.ts). */
const BUSY_GATHER_MS = 25;
/** Sessions looked up in one command at most. */
const MAX_LOOKUP_KEYS = 200;

/** How long other processes get to confirm they dropped a revoked session from their cache. */
const FORGET_ACK_TIMEOUT_MS = 2000;

/**
 * Sign-in and sessions. The only writer of the `sessions` collection.
 *
 * A session that cannot be checked because the database is down or slow is `unavailable`, never
 * `unauthenticated`: only the database saying "no such session" (or an expired one) signs anyone
 * out. Checks are served from a short-lived in-process cache (SessionCache); revocations drop it
 * here and, through the Socket.IO adapter, in every other process before they are acknowledged.
 */
export class AuthService {
  private readonly sessions: Model<SessionDoc>;
  private readonly limiter: LoginLimiter;
  private readonly cache: SessionCache;
  /**
   * Session checks the cache cannot answer, gathered across concurrent handshakes and requests:
   * one `sessions` read and one `users` read per batch (server/lib/batcher.ts), so the 8:30 storm
   * of sign-ins already made costs O(people / batch) commands, not two per person.
   */
  private readonly lookups: Batcher<string, AuthContext | 'no-user'>;
  private io: IoServer | undefined;

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly directory: DirectoryService,
    private readonly limiters: Limiters,
  ) {
    this.sessions = sessionModel(conn);
    this.limiter = new LoginLimiter(config, limiters);
    this.cache = new SessionCache({
      ttlMs: config.SESSION_CACHE_TTL_S * 1000,
      staleMs: config.SESSION_CACHE_STALE_S * 1000,
      max: config.SESSION_CACHE_MAX,
    });
    configurePasswordHashing({ logN: config.PASSWORD_HASH_LOG_N });
    this.lookups = new Batcher((hashes) => this.lookupMany(hashes), {
      holdMs: config.AUTH_DB_TIMEOUT_MS,
      gatherMs: GATHER_MS,
      busyGatherMs: BUSY_GATHER_MS,
      // After a restart every handshake arrives at once: bounded commands, not one of 3,000 keys.
      maxKeys: MAX_LOOKUP_KEYS,
    });
  }

  async init(): Promise<void> {
    await this.sessions.createIndexes();
  }

  /**
   * Revocations reach the other processes through the Socket.IO adapter (Redis): each drops the
   * sessions from its cache and acknowledges.
   */
  useRealtime(io: IoServer): void {
    this.io = io;
    io.on('auth:forget', (target, ack) => {
      if (!isRevocation(target)) return;
      this.cache.forget(target);
      if (typeof ack === 'function') ack(true);
    });
  }

  /**
   * Wrong password and unknown login id answer exactly alike (same error, same work). Only a wrong
   * password counts toward the limits (login-limiter.ts).
   */
  async login(input: LoginBody, ip: string, userAgent?: string): Promise<{ token: string; user: User; sessionId: string }> {
    const found = await this.limiter.attempt(input.loginId, ip, async () => {
      const credentials = await this.db(() => this.directory.findCredentials(input.loginId));
      const ok = await verifyPassword(input.password, credentials?.passwordHash ?? (await dummyHash()));
      // A disabled account answers exactly like a wrong password.
      return credentials && ok && !credentials.user.disabled ? credentials : undefined;
    });
    if (needsRehash(found.passwordHash)) await this.rehash(found.user.id, found.passwordHash, input.password);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = await this.db(() =>
      this.sessions.create({
        tokenHash: hashToken(token),
        userId: found.user.id,
        ip,
        ...(userAgent ? { userAgent: userAgent.slice(0, 200) } : {}),
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.config.SESSION_TTL_HOURS * 3600_000),
      }),
    );
    await this.endSessionsBeyondCap(found.user.id);
    return { token, user: found.user, sessionId: session._id.toString() };
  }

  /**
   * A person keeps at most MAX_SESSIONS_PER_USER sign-ins: a new one ends the oldest beyond it (its
   * cached checks dropped everywhere, its sockets closed), so a script signing in again and again
   * cannot pile up sessions. One read and, only when over, one delete.
   */
  private async endSessionsBeyondCap(userId: string): Promise<void> {
    const excess = await this.db(() =>
      this.sessions
        .find({ userId: new Types.ObjectId(userId) }, { _id: 1 })
        .sort({ createdAt: -1, _id: -1 })
        .skip(this.config.MAX_SESSIONS_PER_USER)
        .lean<{ _id: Types.ObjectId }[]>()
        .exec(),
    );
    if (excess.length === 0) return;
    await this.db(() => this.sessions.deleteMany({ _id: { $in: excess.map((d) => d._id) } }).exec());
    const ids = excess.map((d) => d._id.toString());
    await this.forget({ sessionIds: ids, userIds: [] });
    this.io?.in(ids.map(sessionRoom)).disconnectSockets(true);
  }

  /**
   * The session behind a token: `unauthenticated` when there is none (or it expired), `unavailable`
   * when the database cannot say. A cached check is served without asking; past its TTL, while
   * the database cannot answer, it is still served for SESSION_CACHE_STALE_S.
   */
  async authenticate(token: string | undefined): Promise<AuthContext> {
    if (!token || token.length > 200) throw new AppError('unauthenticated', 'sign in first');
    const tokenHash = hashToken(token);
    const cached = this.cache.get(tokenHash);
    if (cached) return cached;
    try {
      const ctx = await this.db(() => this.lookup(tokenHash));
      this.cache.put(tokenHash, ctx);
      return ctx;
    } catch (err) {
      const stale = err instanceof AppError && err.code === 'unavailable' ? this.cache.get(tokenHash, true) : undefined;
      if (stale) return stale;
      throw err;
    }
  }

  /**
   * Whether a session still exists (the socket's second look after joining its rooms): revoked
   * here → no; cached → yes; otherwise the database. If the database cannot answer, yes: the
   * handshake checked it a moment ago, and a revocation since would have left its mark here.
   */
  async isLive(sessionId: string): Promise<boolean> {
    if (this.cache.isRevokedSession(sessionId)) return false;
    if (this.cache.hasSession(sessionId)) return true;
    try {
      const session = await this.db(() =>
        this.sessions.findById(sessionId, { expiresAt: 1 }).lean<{ expiresAt: Date }>().exec(),
      );
      return !!session && session.expiresAt.getTime() > Date.now();
    } catch {
      return !this.cache.isRevokedSession(sessionId);
    }
  }

  /**
   * Ends a session: deleted in the database, and dropped from every process's cache. The cache
   * is dropped even when the database cannot be reached (the answer is then `unavailable`), so a
   * cached check never outlives a logout.
   */
  async logout(sessionId: string): Promise<void> {
    let failure: unknown;
    await this.db(() => this.sessions.deleteOne({ _id: sessionId }).exec()).catch((err: unknown) => (failure = err));
    await this.forget({ sessionIds: [sessionId], userIds: [] });
    if (failure) throw failure;
  }

  /** For revocations made elsewhere (a session ended by an admin): drop it from every cache. */
  forgetSession(sessionId: string): Promise<void> {
    return this.forget({ sessionIds: [sessionId], userIds: [] });
  }

  /** For revocations of a person (disabled, password reset): drop all their sessions from every cache. */
  forgetSessions(userId: string): Promise<void> {
    return this.forget({ sessionIds: [], userIds: [userId] });
  }

  private async forget(target: Revocation): Promise<void> {
    this.cache.forget(target);
    // Only the Redis adapter carries events between processes; the in-memory one has nobody to tell.
    if (!this.io || !this.limiters.shared) return;
    await new Promise<void>((resolve) => {
      // The adapter gives up waiting after its requestsTimeout; never hold the revocation longer than ours.
      const timer = setTimeout(resolve, FORGET_ACK_TIMEOUT_MS);
      this.io!.serverSideEmit('auth:forget', target, (err: Error | null) => {
        if (err) log.warn('not every server process confirmed a session revocation in time');
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async lookup(tokenHash: string): Promise<AuthContext> {
    const found = (await this.lookups.get([tokenHash])).get(tokenHash);
    if (!found) throw new AppError('unauthenticated', 'session expired or signed out');
    if (found === 'no-user') throw new AppError('unauthenticated', 'account no longer exists or is disabled');
    return found;
  }

  /**
   * The live sessions behind these token hashes and their people: two reads whatever the number
   * of tokens, only the fields a check needs (no password hash, no search text), lean (no mongoose
   * documents). A token with no live session is absent; one whose person is gone or disabled is
   * `no-user`.
   */
  private async lookupMany(tokenHashes: string[]): Promise<Map<string, AuthContext | 'no-user'>> {
    const now = Date.now();
    const sessions = (
      await this.sessions
        .find({ tokenHash: { $in: tokenHashes } }, { tokenHash: 1, userId: 1, expiresAt: 1 })
        .lean<Pick<SessionDoc, '_id' | 'tokenHash' | 'userId' | 'expiresAt'>[]>()
        .exec()
    ).filter((s) => s.expiresAt.getTime() > now);
    const out = new Map<string, AuthContext | 'no-user'>();
    if (sessions.length === 0) return out;
    const users = await this.directory.getUsers([...new Set(sessions.map((s) => s.userId.toString()))]);
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const session of sessions) {
      const user = byId.get(session.userId.toString());
      out.set(
        session.tokenHash,
        !user || user.disabled ? 'no-user' : { user, sessionId: session._id.toString(), expiresAt: session.expiresAt },
      );
    }
    return out;
  }

  /** The password was just proven: store it again at today's cost. A failure here fails no sign-in. */
  private async rehash(userId: string, oldHash: string, password: string): Promise<void> {
    try {
      const next = await hashPassword(password);
      await this.db(() => this.directory.replacePasswordHash(userId, oldHash, next));
    } catch (err) {
      log.warn({ userId, err: (err as Error).message }, 'could not upgrade a password hash');
    }
  }

  /**
   * A database call with a deadline: no answer within AUTH_DB_TIMEOUT_MS, or any database error,
   * is `unavailable`. Errors the call means (AppError) pass through. A late answer is ignored.
   */
  private async db<T>(call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AppError('unavailable', 'the database is not answering; try again shortly')),
        this.config.AUTH_DB_TIMEOUT_MS,
      );
    });
    const work = call();
    work.catch(() => undefined); // after the deadline, a late failure is nobody's to handle
    try {
      return await Promise.race([work, deadline]);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('unavailable', 'the database cannot be reached; try again shortly');
    } finally {
      clearTimeout(timer);
    }
  }

  // ── account lifecycle ───────────────────────────────────────

  /**
   * Deletes every session of a person but `keep` and returns their ids, so the caller can close
   * their sockets. From here on those tokens are refused.
   */
  async revokeSessions(userId: string, keep?: string): Promise<string[]> {
    const filter = { userId: new Types.ObjectId(userId), ...(keep ? { _id: { $ne: new Types.ObjectId(keep) } } : {}) };
    const doomed = await this.sessions.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    if (doomed.length > 0) await this.sessions.deleteMany({ _id: { $in: doomed.map((d) => d._id) } });
    const ids = doomed.map((d) => d._id.toString());
    // Cached checks must not outlive the revocation, here or in other processes.
    await this.forget({ sessionIds: ids, userIds: keep ? [] : [userId] });
    return ids;
  }

  /** `revokeSessions` for many people at once: one read, one delete, one revocation broadcast. */
  async revokeSessionsOfMany(userIds: readonly string[]): Promise<string[]> {
    const filter = { userId: { $in: userIds.map((id) => new Types.ObjectId(id)) } };
    const doomed = await this.sessions.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    if (doomed.length > 0) await this.sessions.deleteMany({ _id: { $in: doomed.map((d) => d._id) } });
    const ids = doomed.map((d) => d._id.toString());
    await this.forget({ sessionIds: ids, userIds: [...userIds] });
    return ids;
  }

  /** The person's own live sessions, newest first. */
  async listSessions(userId: string, currentSessionId: string): Promise<SessionInfo[]> {
    const docs = await this.sessions
      .find({ userId: new Types.ObjectId(userId), expiresAt: { $gt: new Date() } })
      .sort({ createdAt: -1 })
      .lean<SessionDoc[]>();
    return docs.map((d) => ({
      id: d._id.toString(),
      createdAt: d.createdAt.toISOString(),
      expiresAt: d.expiresAt.toISOString(),
      current: d._id.toString() === currentSessionId,
      ...(d.ip ? { ip: d.ip } : {}),
      ...(d.userAgent ? { userAgent: d.userAgent } : {}),
    }));
  }

  /** Ends one of the person's own sessions; someone else's (or none) is 404, telling nothing. */
  async endOwnSession(userId: string, sessionId: string): Promise<void> {
    const res = await this.sessions.deleteOne({ _id: new Types.ObjectId(sessionId), userId: new Types.ObjectId(userId) });
    if (res.deletedCount === 0) throw new AppError('not_found', 'no such session');
    await this.forgetSession(sessionId);
  }
}

function isRevocation(value: unknown): value is Revocation {
  const v = value as Partial<Revocation> | null;
  const ids = (x: unknown) => Array.isArray(x) && x.every((id) => typeof id === 'string' && id.length <= 64);
  return !!v && typeof v === 'object' && ids(v.sessionIds) && ids(v.userIds);
}
