import { performance } from 'node:perf_hooks';
import type { Connection } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import { log } from '../log.js';
import { DB_DOWN_AFTER_MS } from './connect.js';
import { isRefusal } from './errors.js';

export type DbDownReason = 'unreachable' | 'not answering';
export type DbStatus = { up: true } | { up: false; reason: DbDownReason; since: Date };

const PING_EVERY_MS = 500;

/**
 * Knows, within about a second, whether the database is answering, so that requests can be
 * answered `unavailable` at once instead of each waiting for its own driver timeout.
 *
 * - down, `unreachable`: the driver's monitor could not connect (refused, reset, no such host);
 * - down, `not answering`: a ping has been outstanding for DB_DOWN_AFTER_MS and no command or
 *   heartbeat got any answer in that time (a hung server: the port accepts but nothing replies).
 *   A slow but live database keeps answering other commands, so load alone does not trip it;
 * - up again: the first answer of any kind (ping, command, heartbeat).
 *
 * "A command answered" is heard from the driver's command events when they are on, and otherwise
 * from connections returning to the pool in good order — so a busy stand-in, whose ping waits
 * behind hundreds of queued commands, is not called down while it answers them.
 *
 * Times are monotonic (performance.now), so a wall-clock step changes nothing.
 */
export class DbHealth {
  private status: DbStatus = { up: true };
  private readonly downListeners = new Set<() => void>();
  private lastAnswerAt = performance.now();
  private pingSentAt: number | null = null;
  private lastTickAt = performance.now();
  /** When a connection was last refused (reset, no such host): evidence the server is gone. */
  private lastRefusalAt = -Infinity;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly conn: Connection,
    private readonly downAfterMs = DB_DOWN_AFTER_MS,
  ) {}

  start(): void {
    const client = this.conn.getClient();
    client.on('commandSucceeded', () => this.answered());
    // A command the server refused (duplicate key, bad query) was still answered.
    client.on('commandFailed', (e) => {
      if ((e.failure as { name?: string })?.name === 'MongoServerError') this.answered();
    });
    // Without command monitoring (DB_COMMAND_MONITORING off, the default) a connection coming back
    // to the pool after an operation is the sign of an answer — unless the pool closes it at once
    // (a network error or an interrupted operation: no answer). The driver emits the close right
    // after the check-in, so the check-in is judged a microtask later.
    const checkedIn = new Set<string>();
    const key = (e: { address: string; connectionId: number | '<monitor>' }) => `${e.address}#${e.connectionId}`;
    client.on('connectionCheckedIn', (e) => {
      const k = key(e);
      checkedIn.add(k);
      queueMicrotask(() => {
        if (checkedIn.delete(k)) this.answered();
      });
    });
    client.on('connectionClosed', (e) => checkedIn.delete(key(e)));
    client.on('serverHeartbeatSucceeded', () => this.answered());
    client.on('serverHeartbeatFailed', (e) => {
      if (isRefusal(e.failure)) this.refused();
    });
    this.timer = setInterval(() => this.tick(), PING_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get current(): DbStatus {
    return this.status;
  }

  get up(): boolean {
    return this.status.up;
  }

  /** Calls `fn` once when the database next goes down; returns the way to cancel that. */
  onDown(fn: () => void): () => void {
    this.downListeners.add(fn);
    return () => this.downListeners.delete(fn);
  }

  /** The error every fail-fast path answers with. */
  unavailable(): AppError {
    const reason = this.status.up ? 'not answering' : this.status.reason;
    return new AppError('unavailable', `the database is ${reason}; try again shortly`);
  }

  /**
   * `work`, unless the database goes down while it runs (then `unavailable` at once), or is
   * already down and `work` has not finished within `graceMs` (a cached answer still gets through).
   */
  guard<T>(work: Promise<T>, graceMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = () => reject(this.unavailable());
      const off = this.onDown(fail);
      if (!this.status.up) timer = setTimeout(fail, graceMs);
      work.then(resolve, reject).finally(() => {
        off();
        clearTimeout(timer);
      });
    });
  }

  private tick(): void {
    const now = performance.now();
    // Our own event loop stalled (this tick is late): answers may be waiting unread. Judge nothing.
    const late = now - this.lastTickAt > 2 * PING_EVERY_MS;
    this.lastTickAt = now;
    if (this.pingSentAt !== null) {
      // One ping at a time: a hung server would otherwise collect one per tick.
      if (!late && this.silentFor(now)) {
        // Let answers that already arrived be read first (I/O is polled before setImmediate runs).
        setImmediate(() => {
          if (this.pingSentAt !== null && this.silentFor(performance.now())) this.markDown('not answering');
        });
      }
      return;
    }
    const db = this.conn.db;
    if (!db) return;
    this.pingSentAt = now;
    db.admin()
      .command({ ping: 1 })
      .then(
        () => this.answered(),
        (err: unknown) => {
          if ((err as { name?: string })?.name === 'MongoServerError') this.answered();
          else if (isRefusal(err)) this.refused();
          else this.markDown('not answering');
        },
      )
      .finally(() => {
        this.pingSentAt = null;
      });
  }

  private silentFor(now: number): boolean {
    return this.pingSentAt !== null && now - this.pingSentAt > this.downAfterMs && now - this.lastAnswerAt > this.downAfterMs;
  }

  private answered(): void {
    this.lastAnswerAt = performance.now();
    this.lastRefusalAt = -Infinity; // it is there again: older refusals say nothing of the next silence
    if (this.status.up) return;
    log.info({ db: 'up', downForMs: Date.now() - this.status.since.getTime() }, 'database answering again');
    this.status = { up: true };
  }

  /** A connection refused (reset, no such host): the server is gone. */
  private refused(): void {
    this.lastRefusalAt = performance.now();
    this.markDown('unreachable');
  }

  private markDown(reason: DbDownReason): void {
    // A ping to a dead server waits out server selection and so looks like silence: while refusals
    // keep coming (the monitor retries every 500 ms), the server is unreachable, not hung.
    if (reason === 'not answering' && performance.now() - this.lastRefusalAt < 2 * this.downAfterMs) reason = 'unreachable';
    if (!this.status.up) {
      // Keep `since`; the reason follows the latest evidence (a hung server may then be killed).
      if (this.status.reason !== reason) this.status = { ...this.status, reason };
      return;
    }
    this.status = { up: false, reason, since: new Date() };
    log.warn({ db: 'down', reason }, 'database unavailable: answering requests with `unavailable`');
    const listeners = [...this.downListeners];
    this.downListeners.clear();
    for (const fn of listeners) fn();
  }
}
