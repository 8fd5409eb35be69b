import { createHash, randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
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
  async login(input: LoginBody, ip: string): Promise<{ token: string; user: User; sessionId: string }> {
    await this.limiter.attempt(input.loginId, ip);
    const found = await this.directory.findCredentials(input.loginId);
    const ok = await verifyPassword(input.password, found?.passwordHash ?? (await dummyHash()));
    if (!found || !ok) throw new AppError('unauthenticated', 'wrong login id or password');
    await this.limiter.succeeded(input.loginId, ip);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = await this.sessions.create({
      tokenHash: hashToken(token),
      userId: found.user.id,
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
    if (!user) throw new AppError('unauthenticated', 'account no longer exists');
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
}
