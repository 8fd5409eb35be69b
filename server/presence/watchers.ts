/**
 * Who watches whose presence, for the sockets of this process only (PROTOCOL.md `presence:watch`).
 * Two indexes kept in step: person → sockets watching them (to fan a change out) and socket → people
 * it watches (to replace or drop its set). Every socket also watches its own person, whatever
 * set it sends. All operations cost what they touch: a change costs its watchers, a watch its ids.
 *
 * Memory is what 3,000 idle sockets cost, so the layout is compact: each person watched here and
 * each socket get a small number once (`slots`, `socketSlots`); a socket's watched set is a sorted
 * Uint32Array of person numbers, and a person's watchers a Uint32Array of socket numbers with room
 * to grow (4 bytes a watcher: a plain array of socket id strings cost 8 bytes a watcher plus its
 * growth, about 1 KB per person watched by 100 sockets). A hash set per socket and per person cost
 * about five times as much again.
 */
export class Watchers {
  private readonly bySocket = new Map<string, { socket: number; self: number; watched: Uint32Array; tickets: number }>();
  /**
   * Socket slot → the stamp of its latest watch (under way or answered; 0: none, or the last one
   * failed), and whether that watch asked for its own person: pushes of changes stamped before it
   * skip the socket (`socketsToTell`).
   */
  private readonly answeredAt: number[] = [];
  private readonly answeredSelf: boolean[] = [];
  /** Socket slot → its own person's slot. */
  private readonly selfOf: number[] = [];
  /** Person → slot, and slot → person / the sockets watching them. Slots are reused when freed. */
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly watching: Watching[] = [];
  private readonly free: number[] = [];
  /** Socket slot → socket id (slots reused when freed). */
  private readonly socketIds: string[] = [];
  private readonly freeSockets: number[] = [];

  /** A new socket of `selfId`: it watches its own person until it goes. */
  attach(socketId: string, selfId: string): void {
    if (this.bySocket.has(socketId)) return;
    const socket = this.freeSockets.pop() ?? this.socketIds.length;
    this.socketIds[socket] = socketId;
    const self = this.slotFor(selfId);
    this.bySocket.set(socketId, { socket, self, watched: Uint32Array.of(self), tickets: 0 });
    this.answeredAt[socket] = 0;
    this.answeredSelf[socket] = false;
    this.selfOf[socket] = self;
    link(this.watching[self]!, socket);
  }

  /**
   * Taken when a watch request starts: `replace` applies only the socket's latest ticket, so an
   * earlier request that finishes late cannot undo a later one.
   */
  ticket(socketId: string): number {
    const entry = this.bySocket.get(socketId);
    return entry ? ++entry.tickets : -1;
  }

  /**
   * Replaces the socket's watched set with `userIds` (its own person stays watched). Costs the
   * ids given and the set before (a sort and one walk over both), with two typed arrays as its
   * only allocations: every client sends it once per connection, 3,000 at a time after a restart.
   */
  replace(socketId: string, userIds: readonly string[], ticket: number): void {
    const entry = this.bySocket.get(socketId);
    // Disconnected meanwhile, or overtaken by a later request: nothing to do.
    if (!entry || ticket !== entry.tickets) return;
    // Every slot first (so a person watched before and after keeps their slot), sorted, distinct.
    const slots = new Uint32Array(userIds.length + 1);
    slots[0] = entry.self;
    for (let i = 0; i < userIds.length; i++) slots[i + 1] = this.slotFor(userIds[i]!);
    slots.sort();
    let n = 0;
    for (let i = 0; i < slots.length; i++) if (n === 0 || slots[i] !== slots[n - 1]) slots[n++] = slots[i]!;
    const after = slots.slice(0, n);
    // One walk over both sorted sets: link who is new, unlink who is no longer watched.
    const before = entry.watched;
    let i = 0;
    let j = 0;
    while (i < before.length || j < after.length) {
      if (j === after.length || (i < before.length && before[i]! < after[j]!)) this.unlink(before[i++]!, entry.socket);
      else if (i === before.length || after[j]! < before[i]!) link(this.watching[after[j++]!]!, entry.socket);
      else {
        i += 1;
        j += 1;
      }
    }
    entry.watched = after;
  }

  /**
   * The watch with this ticket starts: it will answer with presences read after `stamp` for every
   * id in `userIds`, so from now on pushes of changes stamped before it skip the socket.
   */
  answers(socketId: string, ticket: number, stamp: number, userIds: readonly string[]): void {
    const entry = this.bySocket.get(socketId);
    if (!entry || ticket !== entry.tickets) return;
    this.answeredAt[entry.socket] = stamp;
    this.answeredSelf[entry.socket] = userIds.includes(this.ids[entry.self]!);
  }

  /**
   * The watch with this ticket failed (false if a later watch came, or the socket is gone): the
   * socket counts as knowing nothing, so every push reaches it until a watch is answered again. It
   * cannot go back to an earlier answer: the client may have dropped that one (it keeps only the
   * answer to its latest request) or never got it (its own time limit).
   */
  failed(socketId: string, ticket: number): boolean {
    const entry = this.bySocket.get(socketId);
    if (!entry || ticket !== entry.tickets) return false;
    this.answeredAt[entry.socket] = 0;
    this.answeredSelf[entry.socket] = false;
    return true;
  }

  /** The stamp of the socket's latest watch (0: none, or the socket is gone). */
  stampOf(socketId: string): number {
    const entry = this.bySocket.get(socketId);
    return entry ? this.answeredAt[entry.socket]! : 0;
  }

  /** Whether the socket's latest watch shows the person as of change `changedAt` (see socketsToTell). */
  knows(socketId: string, userId: string, changedAt: number): boolean {
    const entry = this.bySocket.get(socketId);
    const slot = this.slots.get(userId);
    if (!entry || slot === undefined) return false;
    return this.knowsSlot(entry.socket, slot, changedAt);
  }

  /** Socket `socket`'s latest watch began after change `changedAt` of person `slot`, and covered them. */
  private knowsSlot(socket: number, slot: number, changedAt: number): boolean {
    return this.answeredAt[socket]! > changedAt && (this.answeredSelf[socket]! || this.selfOf[socket] !== slot);
  }

  /** The socket is gone: forget everything it watched. */
  detach(socketId: string): void {
    const entry = this.bySocket.get(socketId);
    if (!entry) return;
    for (const slot of entry.watched) this.unlink(slot, entry.socket);
    this.bySocket.delete(socketId);
    this.socketIds[entry.socket] = '';
    this.freeSockets.push(entry.socket);
  }

  /** Sockets of this process that must hear of `userId`'s presence. */
  socketsWatching(userId: string): string[] {
    const slot = this.slots.get(userId);
    if (slot === undefined) return [];
    const { list, size } = this.watching[slot]!;
    const out = new Array<string>(size);
    for (let i = 0; i < size; i++) out[i] = this.socketIds[list[i]!]!;
    return out;
  }

  /**
   * Those of `socketsWatching(userId)` that may not know the person's presence of change
   * `changedAt`: a socket whose latest watch began after it reads it in its answer (sent or to
   * come), and is left out (in a connect storm, most pushes were of people a watch had just
   * answered). Its own person counts only if the watch asked for it too.
   */
  socketsToTell(userId: string, changedAt: number): string[] {
    const slot = this.slots.get(userId);
    if (slot === undefined) return [];
    const { list, size } = this.watching[slot]!;
    const out: string[] = [];
    for (let i = 0; i < size; i++) {
      const socket = list[i]!;
      if (!this.knowsSlot(socket, slot, changedAt)) out.push(this.socketIds[socket]!);
    }
    return out;
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
    this.watching[slot] = { list: EMPTY_LIST, size: 0 };
    return slot;
  }

  /** Removing from a person's watchers costs that person's watchers (swap with the last). */
  private unlink(slot: number, socket: number): void {
    const w = this.watching[slot]!;
    let at = w.size - 1;
    while (at >= 0 && w.list[at] !== socket) at -= 1;
    if (at < 0) return;
    w.size -= 1;
    w.list[at] = w.list[w.size]!;
    if (w.size > 0) {
      // Give memory back when a crowd has left (a quarter full: half the room).
      if (w.size * 4 <= w.list.length && w.list.length > MIN_ROOM) w.list = w.list.slice(0, w.list.length >> 1);
      return;
    }
    this.slots.delete(this.ids[slot]!);
    this.ids[slot] = '';
    this.watching[slot] = { list: EMPTY_LIST, size: 0 };
    this.free.push(slot);
  }
}

/** A person's watchers: socket slots in `list[0, size)`, with room to grow. */
interface Watching {
  list: Uint32Array;
  size: number;
}

const MIN_ROOM = 4;
const EMPTY_LIST = new Uint32Array(0);

/** Adds a watcher, growing the room by half (a person watched by 100 sockets: at most ~50 % spare). */
function link(w: Watching, socket: number): void {
  if (w.size === w.list.length) {
    const grown = new Uint32Array(Math.max(MIN_ROOM, w.size + (w.size >> 1)));
    grown.set(w.list);
    w.list = grown;
  }
  w.list[w.size] = socket;
  w.size += 1;
}
