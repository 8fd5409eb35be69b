import { performance } from 'node:perf_hooks';
import type { AuthContext } from './auth.service.js';

interface Entry {
  ctx: AuthContext;
  /** When the database last confirmed this session (monotonic ms: wall-clock steps do not age it). */
  checkedAt: number;
}

/** A revocation must outlive any database read that started before it (those are cut at a few seconds). */
const TOMBSTONE_MS = 60_000;

/**
 * Session checks served from memory, so that a database blip does not show and a busy server does
 * not read the same session on every request. Keyed by the token's hash (never the token).
 *
 * Revocation stays immediate: `forgetSession` / `forgetUser` drop the entries and leave a tombstone
 * for a minute, so a database read that was already under way (and saw the session alive) cannot
 * put it back. Bounded: past `max` entries the oldest go first.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly tokensBySession = new Map<string, string>();
  private readonly revoked = new Map<string, number>();

  constructor(private readonly options: { ttlMs: number; staleMs: number; max: number }) {}

  /** A cached check no older than the TTL (or, when `databaseDown`, the stale limit). */
  get(tokenHash: string, databaseDown = false): AuthContext | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    const age = performance.now() - entry.checkedAt;
    if (entry.ctx.expiresAt.getTime() <= Date.now() || this.isRevoked(entry.ctx)) {
      this.delete(tokenHash);
      return undefined;
    }
    return age <= (databaseDown ? Math.max(this.options.staleMs, this.options.ttlMs) : this.options.ttlMs) ? entry.ctx : undefined;
  }

  /** Whether this session is cached and not revoked (the socket's second look after joining). */
  hasSession(sessionId: string): boolean {
    const token = this.tokensBySession.get(sessionId);
    return token !== undefined && this.entries.has(token);
  }

  /** Remember a check the database just confirmed, unless the session or person was revoked meanwhile. */
  put(tokenHash: string, ctx: AuthContext): void {
    if (this.options.ttlMs <= 0 || this.options.max <= 0 || this.isRevoked(ctx)) return;
    this.delete(tokenHash);
    while (this.entries.size >= this.options.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    this.entries.set(tokenHash, { ctx, checkedAt: performance.now() });
    this.tokensBySession.set(ctx.sessionId, tokenHash);
  }

  isRevoked(ctx: AuthContext): boolean {
    return this.isRevokedSession(ctx.sessionId) || this.revoked.has(`u:${ctx.user.id}`);
  }

  /** Revoked within the last minute (a logout here or, through the adapter, in another process). */
  isRevokedSession(sessionId: string): boolean {
    return this.revoked.has(`s:${sessionId}`);
  }

  forget(target: { sessionIds: readonly string[]; userIds: readonly string[] }): void {
    const now = performance.now();
    for (const [key, at] of this.revoked) if (now - at > TOMBSTONE_MS) this.revoked.delete(key);
    for (const id of target.sessionIds) {
      this.revoked.set(`s:${id}`, now);
      const token = this.tokensBySession.get(id);
      if (token) this.delete(token);
    }
    if (target.userIds.length === 0) return;
    const users = new Set(target.userIds);
    for (const id of users) this.revoked.set(`u:${id}`, now);
    // Linear in the cache, and only on a person-wide revocation (rare: disable, reset).
    for (const [token, entry] of this.entries) if (users.has(entry.ctx.user.id)) this.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(tokenHash: string): void {
    const entry = this.entries.get(tokenHash);
    if (!entry) return;
    this.entries.delete(tokenHash);
    if (this.tokensBySession.get(entry.ctx.sessionId) === tokenHash) this.tokensBySession.delete(entry.ctx.sessionId);
  }
}
