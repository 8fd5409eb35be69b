/**
 * Who watches whose presence, for the sockets of this process only (PROTOCOL.md `presence:watch`).
 * Two maps kept in step: person → sockets watching them (to fan a change out) and socket → people
 * it watches (to replace or drop its set). Every socket also watches its own person, whatever
 * set it sends. All operations cost what they touch: a change costs its watchers, a watch its ids.
 */
export class Watchers {
  private readonly bySocket = new Map<string, { self: string; watched: Set<string>; tickets: number }>();
  private readonly byUser = new Map<string, Set<string>>();

  /** A new socket of `selfId`: it watches its own person until it goes. */
  attach(socketId: string, selfId: string): void {
    if (this.bySocket.has(socketId)) return;
    this.bySocket.set(socketId, { self: selfId, watched: new Set([selfId]), tickets: 0 });
    this.link(selfId, socketId);
  }

  /**
   * Taken when a watch request starts: `replace` applies only the socket's latest ticket, so an
   * earlier request that finishes late cannot undo a later one.
   */
  ticket(socketId: string): number {
    const entry = this.bySocket.get(socketId);
    return entry ? ++entry.tickets : -1;
  }

  /** Replaces the socket's watched set with `userIds` (its own person stays watched). */
  replace(socketId: string, userIds: readonly string[], ticket: number): void {
    const entry = this.bySocket.get(socketId);
    // Disconnected meanwhile, or overtaken by a later request: nothing to do.
    if (!entry || ticket !== entry.tickets) return;
    const next = new Set(userIds);
    next.add(entry.self);
    for (const id of entry.watched) if (!next.has(id)) this.unlink(id, socketId);
    for (const id of next) if (!entry.watched.has(id)) this.link(id, socketId);
    entry.watched = next;
  }

  /** The socket is gone: forget everything it watched. */
  detach(socketId: string): void {
    const entry = this.bySocket.get(socketId);
    if (!entry) return;
    for (const id of entry.watched) this.unlink(id, socketId);
    this.bySocket.delete(socketId);
  }

  /** Sockets of this process that must hear of `userId`'s presence. */
  socketsWatching(userId: string): ReadonlySet<string> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  watchedBy(socketId: string): ReadonlySet<string> {
    return this.bySocket.get(socketId)?.watched ?? EMPTY;
  }

  /** How many people are watched by at least one socket here (for tests and metrics). */
  get watchedPeople(): number {
    return this.byUser.size;
  }

  private link(userId: string, socketId: string): void {
    const set = this.byUser.get(userId);
    if (set) set.add(socketId);
    else this.byUser.set(userId, new Set([socketId]));
  }

  private unlink(userId: string, socketId: string): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    set.delete(socketId);
    if (set.size === 0) this.byUser.delete(userId);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
