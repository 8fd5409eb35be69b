// Walks the prefix combinations of a plan side by side and merges them, as mongod's SORT_MERGE
// does over the IXSCANs of an exploded $in ("explode for sort"): within one combination the
// keys already come in the sort order, so the next document in that order is the smallest of
// the runs' current keys (kept in a small binary heap). Like mongod, the merge reads one key
// from every run before taking anything, then, for each document taken, the next key of that
// run only — so with a limit it stops after `skip + limit` matches (plus ties) having read
// about one key per run and one per document, where walking the runs one after another must
// read them all and sort. A document several runs hold (the elements of a multikey field) is
// taken once, where it first comes up.
import { inInterval } from './bounds';
import type { Walk, Walked } from './index-scan';
import type { TreeKey } from './indexes';
import { compareValues } from './key-order';
import type { Plan } from './planner';
import type { Doc } from './values';
import { combinations, keyBounds, sameAt } from './walk-keys';

interface Run {
  /** Position among the combinations (ties between runs go to the earlier one). */
  order: number;
  low: TreeKey;
  high: TreeKey;
  entries?: IterableIterator<[TreeKey, undefined]>;
  /** The run's current key, not yet taken. */
  head?: TreeKey;
}

export class MergeWalk implements Walk {
  readonly out: Walked;
  private readonly stopEarly: boolean;
  private readonly runs: Run[];
  private readonly heap: Run[] = [];
  /** Runs that have read their first key. */
  private started = 0;
  /** The run whose key was just taken: it reads its next key before the next is taken. */
  private refill?: Run;
  private tie?: TreeKey;
  private matched = 0;
  private done = false;

  constructor(
    readonly plan: Plan,
    private readonly need?: number,
    private readonly test?: (doc: Doc) => boolean,
    into?: Walked,
  ) {
    this.out = into ?? { found: new Map(), keysExamined: 0, docsExamined: 0 };
    this.stopEarly = need !== undefined && test !== undefined && plan.sortPositions.length > 0;
    this.runs = [...combinations(plan.prefix, plan.reverse)].map((points, order) => {
      const [low, high] = keyBounds(plan, points);
      return { order, low, high };
    });
  }

  step(budget: number): boolean {
    const { plan, out } = this;
    const n = plan.index.fields.length;
    const rangeAt = plan.prefix.length;
    while (!this.done && budget > 0) {
      const reading = this.started < this.runs.length ? this.runs[this.started++] : this.refill;
      if (reading) {
        this.refill = undefined;
        if (this.advance(reading)) {
          budget--;
          this.push(reading);
        }
        continue;
      }
      const run = this.pop();
      if (!run) return (this.done = true);
      const key = run.head!;
      this.refill = run;
      if (this.tie && !sameAt(plan, key, this.tie)) return (this.done = true);
      if (plan.range && !inInterval(key[rangeAt], plan.range)) continue;
      const rid = key[n] as number;
      if (out.found.has(rid)) continue;
      const doc = plan.index.docAt(rid) as Doc;
      out.found.set(rid, doc);
      out.docsExamined++;
      if (!this.stopEarly || this.tie || !this.test!(doc) || ++this.matched < this.need!) continue;
      if (plan.tieFree) return (this.done = true);
      this.tie = key;
    }
    return this.done;
  }

  /** Reads the run's next key; false (and the run is over) past its bounds. */
  private advance(run: Run): boolean {
    const { index, reverse } = this.plan;
    run.entries ??= reverse ? index.tree!.entriesReversed(run.high) : index.tree!.entries(run.low);
    const item = run.entries.next();
    if (item.done) return false;
    const key = item.value[0];
    if (reverse ? index.compareKeys(key, run.low) < 0 : index.compareKeys(key, run.high) > 0) return false;
    run.head = key;
    this.out.keysExamined++;
    return true;
  }

  /** Whether run a's key comes before run b's in the walk's order of the sort fields. */
  private before(a: Run, b: Run): boolean {
    const { sortPositions, index, reverse } = this.plan;
    for (const i of sortPositions) {
      const c = compareValues(a.head![i], b.head![i]) * index.dirs[i];
      if (c !== 0) return reverse ? c > 0 : c < 0;
    }
    return a.order < b.order;
  }

  private push(run: Run): void {
    const heap = this.heap;
    let at = heap.push(run) - 1;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (!this.before(heap[at], heap[up])) break;
      [heap[at], heap[up]] = [heap[up], heap[at]];
      at = up;
    }
  }

  private pop(): Run | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    heap[0] = last;
    let at = 0;
    for (;;) {
      const l = at * 2 + 1;
      const r = l + 1;
      let min = at;
      if (l < heap.length && this.before(heap[l], heap[min])) min = l;
      if (r < heap.length && this.before(heap[r], heap[min])) min = r;
      if (min === at) break;
      [heap[at], heap[min]] = [heap[min], heap[at]];
      at = min;
    }
    return top;
  }
}
