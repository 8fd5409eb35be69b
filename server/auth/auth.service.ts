import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { SessionInfo } from '../../shared/schemas/accounts.js';
import type { LoginBody, User } from '../../shared/schemas/auth.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { Limiters } from '../lib/limiter.js';
import { LoginLimiter } from './login-limiter.js';
import { dummyHash, verifyPassword } from './password.js';
import { sessionModel, type SessionDoc } from './session.model.js';

/** Who is asking: set from the session, never from a payload. */
export interface AuthContext {
  user: User;
  sessionId: string;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sign-in and sessions. The only writer of the `sessions` collection. */
export class AuthService {
  private readonly sessions: Model<SessionDoc>;
  private readonly limiter: LoginLimiter;

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly directory: DirectoryService,
    limiters: Limiters,
  ) {
    this.sessions = sessionModel(conn);
    this.limiter = new LoginLimiter(config, limiters);
  }

  async init(): Promise<void> {
    await this.sessions.createIndexes();
  }

  /** Wrong password and unknown login id answer exactly alike (same error, same work). */
  async login(input: LoginBody, ip: string, userAgent?: string): Promise<{ token: string; user: User; sessionId: string }> {
    await this.limiter.attempt(input.loginId, ip);
    const found = await this.directory.findCredentials(input.loginId);
    const ok = await verifyPassword(input.password, found?.passwordHash ?? (await dummyHash()));
    // A disabled account answers exactly like a wrong password.
    if (!found || !ok || found.user.disabled) throw new AppError('unauthenticated', 'wrong login id or password');
    await this.limiter.succeeded(input.loginId, ip);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = await this.sessions.create({
      tokenHash: hashToken(token),
      userId: found.user.id,
      ip,
      ...(userAgent ? { userAgent: userAgent.slice(0, 200) } : {}),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.SESSION_TTL_HOURS * 3600_000),
    });
    return { token, user: found.user, sessionId: session._id.toString() };
  }

  /** The session behind a token, or `unauthenticated`. */
  async authenticate(token: string | undefined): Promise<AuthContext> {
    if (!token || token.length > 200) throw new AppError('unauthenticated', 'sign in first');
    const session = await this.sessions.findOne({ tokenHash: hashToken(token) }).lean<SessionDoc>();
    if (!session || session.expiresAt.getTime() <= Date.now()) {
      throw new AppError('unauthenticated', 'session expired or signed out');
    }
    const user = await this.directory.getUser(session.userId.toString()).catch(() => null);
    if (!user || user.disabled) throw new AppError('unauthenticated', 'account no longer exists or is disabled');
    return { user, sessionId: session._id.toString(), expiresAt: session.expiresAt };
  }

  /** Whether a session still exists and has not expired (logout deletes it). */
  async isLive(sessionId: string): Promise<boolean> {
    const session = await this.sessions.findById(sessionId, { expiresAt: 1 }).lean<{ expiresAt: Date }>();
    return !!session && session.expiresAt.getTime() > Date.now();
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.deleteOne({ _id: sessionId });
  }

  // ── account lifecycle ───────────────────────────────────────

  /**
   * Deletes every session of a person but `keep` and returns their ids, so the caller can close
   * their sockets. From here on those tokens are refused.
   */
  async revokeSessions(userId: string, keep?: string): Promise<string[]> {
    const filter = { userId: new Types.ObjectId(userId), ...(keep ? { _id: { $ne: new Types.ObjectId(keep) } } : {}) };
    const doomed = await this.sessions.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    if (doomed.length === 0) return [];
    await this.sessions.deleteMany({ _id: { $in: doomed.map((d) => d._id) } });
    return doomed.map((d) => d._id.toString());
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
  }
}
