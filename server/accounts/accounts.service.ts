import { randomInt } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { ChangePasswordBody, SessionInfo, UpdateUserBody } from '../../shared/schemas/accounts.js';
import type { User } from '../../shared/schemas/auth.js';
import type { AuthContext, AuthService } from '../auth/auth.service.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { checkNewPassword } from '../auth/password-policy.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { sessionRoom, type Realtime } from '../realtime.js';

/** Letters and digits that cannot be misread on paper or on the phone (no 0/O, 1/l/I). */
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const TEMP_LENGTH = 12;

/**
 * Account lifecycle: disabling and enabling, password resets and changes, and sessions. It writes
 * nothing itself: people's records through the directory service, sessions through the auth
 * service; what it adds is the order of the steps and closing the sockets of ended sessions at
 * once, in every server process (the Socket.IO adapter carries the disconnect).
 */
export class AccountsService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly auth: AuthService,
    private readonly realtime: Realtime,
  ) {}

  // ── administrators ──────────────────────────────────────────

  /** Changes a record; disabling signs the person out everywhere at once. Admins cannot lock themselves out. */
  async update(admin: User, userId: string, patch: UpdateUserBody): Promise<User> {
    if (userId === admin.id && (patch.disabled === true || (patch.role && patch.role !== 'admin'))) {
      throw new AppError('bad_request', 'you cannot disable yourself or give up your own admin role');
    }
    const user = await this.directory.updateUser(userId, patch);
    if (user.disabled) await this.endSessions(userId);
    // Sessions checked a moment ago carry the old name and role: they are looked up afresh.
    else await this.auth.forgetSessions(userId);
    return user;
  }

  /** A temporary password, to be changed at the next sign-in; every session of the person ends. */
  async resetPassword(userId: string): Promise<{ temporaryPassword: string }> {
    await this.directory.getUser(userId); // 404 first, before anything changes
    const temporaryPassword = Array.from({ length: TEMP_LENGTH }, () => TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)]).join('');
    await this.directory.setPasswordHash(userId, await hashPassword(temporaryPassword), true);
    await this.endSessions(userId);
    return { temporaryPassword };
  }

  /** Disables many people at once (a staff import's "disable those missing"): one update, then every session of theirs ends. */
  async disableMany(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.directory.disableUsers(userIds);
    const ended = await this.auth.revokeSessionsOfMany(userIds);
    if (ended.length > 0) this.realtime.io.in(ended.map(sessionRoom)).disconnectSockets(true);
  }

  /** Ends every session of a person (an admin's "sign out everywhere"). */
  async revokeSessions(userId: string): Promise<void> {
    await this.directory.getUser(userId);
    await this.endSessions(userId);
  }

  // ── everyone, for themselves ────────────────────────────────

  /** Checks the current password, stores the new one, and ends the person's other sessions. */
  async changePassword(me: AuthContext, input: ChangePasswordBody): Promise<void> {
    const stored = await this.directory.passwordHashOf(me.user.id);
    if (!stored || !(await verifyPassword(input.currentPassword, stored))) {
      throw new AppError('forbidden', 'the current password is not right');
    }
    if (input.newPassword === input.currentPassword) throw new AppError('bad_request', 'choose a password different from the current one');
    checkNewPassword(input.newPassword, me.user.loginId);
    await this.directory.setPasswordHash(me.user.id, await hashPassword(input.newPassword), false);
    await this.endSessions(me.user.id, me.sessionId);
  }

  listSessions(me: AuthContext): Promise<SessionInfo[]> {
    return this.auth.listSessions(me.user.id, me.sessionId);
  }

  async endSession(me: AuthContext, sessionId: string): Promise<void> {
    await this.auth.endOwnSession(me.user.id, sessionId);
    this.realtime.io.in(sessionRoom(sessionId)).disconnectSockets(true);
  }

  private async endSessions(userId: string, keep?: string): Promise<void> {
    const ended = await this.auth.revokeSessions(userId, keep);
    if (ended.length > 0) this.realtime.io.in(ended.map(sessionRoom)).disconnectSockets(true);
  }
}
