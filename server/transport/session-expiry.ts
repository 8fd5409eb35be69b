/**
 * Ends each socket when its session expires. One sweep timer for the whole process, with sockets
 * bucketed by when their session ends, instead of a timer per socket: Node keeps a timer list per
 * distinct duration, and an unref'd list is never freed once empty — with every socket's duration
 * different to the millisecond, that leaked a list per connection ever made (9 MB over a 10-minute
 * connect/disconnect soak, bench/RESULTS.md). A socket ends at most one sweep after its session.
 * A socket that goes by itself is handed to `remove` by the socket's one disconnect listener
 * (server/sockets.ts), so no listener or closure is kept here per socket.
 */
import type { Clock } from '../clock.js';

interface Endable {
  disconnect(close: boolean): unknown;
}

export class SessionExpiry {
  /** Bucket (the sweep period its session ends in) → sockets, with their exact expiry. */
  private readonly buckets = new Map<number, Map<Endable, number>>();
  /** Each waiting socket's exact expiry (to find its bucket when it goes). */
  private readonly due = new Map<Endable, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs = 10_000,
  ) {}

  /** Ends `socket` once `expiresAt` has passed (or at once, if it already has). */
  add(socket: Endable, expiresAt: Date): void {
    const at = expiresAt.getTime();
    if (at <= this.clock().getTime()) {
      socket.disconnect(true);
      return;
    }
    const key = Math.floor(at / this.everyMs);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    bucket.set(socket, at);
    this.due.set(socket, at);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.everyMs);
      this.timer.unref();
    }
  }

  /** Ends every socket whose session has expired; costs the buckets that are due. */
  sweep(): void {
    const now = this.clock().getTime();
    const due = Math.floor(now / this.everyMs);
    for (const [key, bucket] of this.buckets) {
      if (key > due) continue;
      for (const [socket, at] of bucket) {
        if (at > now) continue;
        bucket.delete(socket);
        this.due.delete(socket);
        socket.disconnect(true);
      }
      if (bucket.size === 0) this.buckets.delete(key);
    }
    this.idleStop();
  }

  /** Sockets waiting to be ended (for tests). */
  get size(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.size;
    return n;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.buckets.clear();
    this.due.clear();
  }

  /** The socket went away by itself (its disconnect): nothing to end any more. */
  remove(socket: Endable): void {
    const at = this.due.get(socket);
    if (at === undefined) return;
    this.due.delete(socket);
    const key = Math.floor(at / this.everyMs);
    const bucket = this.buckets.get(key);
    if (!bucket?.delete(socket)) return;
    if (bucket.size === 0) this.buckets.delete(key);
    this.idleStop();
  }

  /** No socket left to end: no timer either (a stopped server leaves nothing running). */
  private idleStop(): void {
    if (this.buckets.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
