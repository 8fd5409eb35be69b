/**
 * Gathers the keys of concurrent requests into one database read (DataLoader's idea, for a storm):
 * when 3,000 people open the chat at once, each handshake's session lookup and each first
 * `presence:watch` would otherwise be their own commands — O(people) round trips, each costing the
 * driver, mongoose and the database as much CPU as the work itself. Here a storm of N requests costs
 * O(N / batch) commands, with one `$in` per collection per batch.
 *
 * When it flushes: `gatherMs` after the first key of a batch (0: at the end of the current turn of
 * the event loop, so every socket whose frame arrived in this I/O phase joins), and — while
 * `maxInFlight` batches are already at the database — not before one of them settles. A quiet
 * server answers after at most `gatherMs` (a batch of one); a busy one makes batches about as big
 * as what arrives during the window and one round trip, on its own: handshakes of a storm arrive
 * one by one, a few milliseconds apart, and a batch per arrival would save little. A batch that has not settled after `holdMs` frees its slot (a hung command must
 * not hold every later request; the caller's own deadline answers it).
 *
 * A request asks for several keys and gets the batch's whole answer (a map over the union of keys:
 * callers read their own). A failed batch fails every request in it, and nothing else.
 *
 * The answer is handed out `RESUME_CHUNK` requests per turn of the event loop: each request goes on
 * with its own work (a handshake completing, a watch's acknowledgement written), and 3,000 of them
 * resumed at once would hold the loop for seconds — long enough for the driver's monitor to call a
 * live database dead (it did, in a reconnect storm of 3,000).
 *
 * In a storm it gathers longer (`busyGatherMs`): once a batch carried several requests, the next
 * one (within a second) waits that long for company. Handshakes at 8:30 arrive ~600 a second and
 * a batch round trip takes a few ms, so with only `gatherMs` batches held ~6 requests and the
 * storm still cost a command per collection per 6 sockets; each command costs the server and the
 * database far more CPU than a key in an `$in`. A lone request on a quiet server still waits only
 * `gatherMs`.
 *
 * A batch holds at most `maxKeys` keys (the next requests start the batch after it): one command
 * over the ranges of 3,000 syncs at once kept the single-threaded stand-in busy long enough for the
 * driver to call it dead, and a real database's plan for a thousand-clause `$or` is no better.
 */
export class Batcher<K, V> {
  /** Batches not sent yet, oldest first; requests join the last one until it holds `maxKeys`. */
  private readonly queue: { keys: Set<K>; waiters: Waiter<Map<K, V>>[] }[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Batches sent and keys asked for (tests and metrics read them). */
  batches = 0;
  /** Requests in the last batch sent, and when it was sent (monotonic ms): a storm is under way. */
  private lastBatch = { requests: 0, at: -Infinity };

  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: { maxInFlight?: number; holdMs?: number; gatherMs?: number; busyGatherMs?: number; maxKeys?: number } = {},
  ) {}

  /** The batch's answer for (at least) `keys`; keys the batch function left out are absent. */
  get(keys: Iterable<K>): Promise<Map<K, V>> {
    let pending = this.queue.at(-1);
    if (!pending || (this.options.maxKeys !== undefined && pending.keys.size >= this.options.maxKeys)) {
      pending = { keys: new Set(), waiters: [] };
      this.queue.push(pending);
    }
    for (const key of keys) pending.keys.add(key);
    const answer = new Promise<Map<K, V>>((resolve, reject) => pending.waiters.push({ resolve, reject }));
    this.schedule();
    return answer;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= (this.options.maxInFlight ?? 1)) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flush();
    };
    const busy = this.lastBatch.requests > 1 && performance.now() - this.lastBatch.at < 1000;
    const gatherMs = busy ? Math.max(this.options.busyGatherMs ?? 0, this.options.gatherMs ?? 0) : this.options.gatherMs;
    if (gatherMs) setTimeout(go, gatherMs);
    else setImmediate(go);
  }

  private flush(): void {
    if (this.queue.length === 0 || this.inFlight >= (this.options.maxInFlight ?? 1)) return;
    const batch = this.queue.shift()!;
    this.inFlight += 1;
    this.batches += 1;
    this.lastBatch = { requests: batch.waiters.length, at: performance.now() };
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(hold);
      this.inFlight -= 1;
      this.schedule();
    };
    const hold = setTimeout(release, this.options.holdMs ?? 2000);
    hold.unref();
    let work: Promise<Map<K, V>>;
    try {
      work = this.load([...batch.keys]);
    } catch (err) {
      work = Promise.reject(err);
    }
    work.then(
      (result) => {
        release();
        resume(batch.waiters, 0, (w) => w.resolve(result));
      },
      (err: unknown) => {
        release();
        resume(batch.waiters, 0, (w) => w.reject(err));
      },
    );
  }
}

const RESUME_CHUNK = 32;

/** Settles `waiters` from `from` on, a chunk per turn of the event loop (timers and I/O run between). */
function resume<T>(waiters: Waiter<T>[], from: number, settle: (w: Waiter<T>) => void): void {
  const to = Math.min(waiters.length, from + RESUME_CHUNK);
  for (let i = from; i < to; i++) settle(waiters[i]!);
  if (to < waiters.length) setImmediate(() => resume(waiters, to, settle));
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}
