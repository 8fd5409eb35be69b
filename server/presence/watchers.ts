/**
 * Who watches whose presence, for the sockets of this process only (PROTOCOL.md `presence:watch`).
 * Two indexes kept in step: person → sockets watching them (to fan a change out) and socket → people
 * it watches (to replace or drop its set). Every socket also watches its own person, whatever
 * set it sends. All operations cost what they touch: a change costs its watchers, a watch its ids.
 *
 * Memory is what 3,000 idle sockets cost, so the layout is compact: each person watched here gets
 * a small number once (`slots`), a socket's watched set is a sorted Uint32Array of those numbers
 * (4 bytes a person, no per-socket copy of 24-character id strings), and a person's watchers are a
 * plain array of socket ids (the strings socket.io already holds). A hash set per socket and per
 * person cost about five times as much.
 */
export class Watchers {
  private readonly bySocket = new Map<string, { self: number; watched: Uint32Array; tickets: number }>();
  /** Person → slot, and slot → person / the sockets watching them. Slots are reused when freed. */
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly watching: string[][] = [];
  private readonly free: number[] = [];

  /** A new socket of `selfId`: it watches its own person until it goes. */
  attach(socketId: string, selfId: string): void {
    if (this.bySocket.has(socketId)) return;
    const self = this.slotFor(selfId);
    this.bySocket.set(socketId, { self, watched: Uint32Array.of(self), tickets: 0 });
    this.watching[self].push(socketId);
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
    const before = entry.watched;
    // Link the new ones first (so a person watched before and after keeps their slot).
    const wanted = new Set<number>([entry.self]);
    for (const id of userIds) {
      const known = this.slots.get(id);
      if (known !== undefined && has(before, known)) wanted.add(known);
      else {
        const slot = this.slotFor(id);
        if (!wanted.has(slot)) this.watching[slot].push(socketId);
        wanted.add(slot);
      }
    }
    for (const slot of before) if (!wanted.has(slot)) this.unlink(slot, socketId);
    entry.watched = Uint32Array.from(wanted).sort();
  }

  /** The socket is gone: forget everything it watched. */
  detach(socketId: string): void {
    const entry = this.bySocket.get(socketId);
    if (!entry) return;
    for (const slot of entry.watched) this.unlink(slot, socketId);
    this.bySocket.delete(socketId);
  }

  /** Sockets of this process that must hear of `userId`'s presence. */
  socketsWatching(userId: string): readonly string[] {
    const slot = this.slots.get(userId);
    return slot === undefined ? EMPTY : this.watching[slot];
  }

  watchedBy(socketId: string): string[] {
    const entry = this.bySocket.get(socketId);
    return entry ? Array.from(entry.watched, (slot) => this.ids[slot]) : [];
  }

  /** How many people are watched by at least one socket here (for tests and metrics). */
  get watchedPeople(): number {
    return this.slots.size;
  }

  private slotFor(userId: string): number {
    let slot = this.slots.get(userId);
    if (slot !== undefined) return slot;
    slot = this.free.pop() ?? this.ids.length;
    this.slots.set(userId, slot);
    this.ids[slot] = userId;
    this.watching[slot] = [];
    return slot;
  }

  /** Removing from a person's watchers costs that person's watchers (swap with the last). */
  private unlink(slot: number, socketId: string): void {
    const list = this.watching[slot];
    const at = list.lastIndexOf(socketId);
    if (at < 0) return;
    list[at] = list[list.length - 1];
    list.pop();
    if (list.length > 0) return;
    this.slots.delete(this.ids[slot]);
    this.ids[slot] = '';
    this.free.push(slot);
  }
}

/** Binary search in a sorted slot list. */
function has(sorted: Uint32Array, slot: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === slot) return true;
    if (sorted[mid] < slot) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const EMPTY: readonly string[] = [];
