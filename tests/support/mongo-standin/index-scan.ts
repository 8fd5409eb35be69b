// Walks a plan's index: every prefix combination from its lowest to its highest key (or back),
// collecting the documents whose keys lie in the bounds. With a limit and an index order that
// delivers the sort, it stops once enough documents match, plus any that tie with the last one
// on the sort fields, so mingo's stable sort over the collected set equals a full scan's.
import { inInterval } from './bounds';
import { compareValues, KEY_MAX, KEY_MIN } from './key-order';
import type { TreeKey } from './indexes';
import type { Plan } from './planner';
import type { Doc } from './values';

export interface WalkStats {
  keysExamined: number;
  docsExamined: number;
}

export interface Walked extends WalkStats {
  /** Record id → document, for ordering the result like a scan. */
  found: Map<number, Doc>;
}

/**
 * `need` and `test` enable the early stop (only used when the plan delivers the sort). `into`
 * accumulates several walks (the branches of an $or): a document already found is not
 * fetched or counted again.
 */
export function walkIndex(plan: Plan, need?: number, test?: (doc: Doc) => boolean, into?: Walked): Walked {
  const walk = new IndexWalk(plan, need, test, into);
  walk.step(Infinity);
  return walk.out;
}

/**
 * Walks several plans that differ only in which alternative points they take ($all on a
 * multikey field) a key at a time in turn, as mongod's multi-planner races candidate plans;
 * the first to finish (its bounds exhausted, or its limit reached in sort order) wins and its
 * walk is the answer. The others cost at most as many keys as the winner each.
 */
export function raceWalks(plans: Plan[], need?: number, test?: (doc: Doc) => boolean): { plan: Plan; walked: Walked; rejected: Plan[] } {
  const walks = plans.map((plan) => new IndexWalk(plan, need, test));
  for (;;) {
    for (const walk of walks) {
      if (walk.step(1)) return { plan: walk.plan, walked: walk.out, rejected: plans.filter((p) => p !== walk.plan) };
    }
  }
}

/** One index walk that can be advanced a few keys at a time. */
export class IndexWalk {
  readonly out: Walked;
  private readonly stopEarly: boolean;
  private readonly combos: Generator<unknown[]>;
  private entries?: IterableIterator<[TreeKey, undefined]>;
  private low: TreeKey = [];
  private high: TreeKey = [];
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
    this.combos = combinations(plan.prefix, plan.reverse);
  }

  /** Examines up to `budget` more keys; true once the walk is over. */
  step(budget: number): boolean {
    const { plan, out } = this;
    const index = plan.index;
    const rangeAt = plan.prefix.length;
    const n = index.fields.length;
    while (!this.done && budget > 0) {
      if (!this.entries) {
        const next = this.combos.next();
        if (next.done) return (this.done = true);
        [this.low, this.high] = keyBounds(plan, next.value);
        this.entries = plan.reverse ? index.tree!.entriesReversed(this.high) : index.tree!.entries(this.low);
      }
      const item = this.entries.next();
      if (item.done) {
        if (this.tie) return (this.done = true);
        this.entries = undefined;
        continue;
      }
      const key = item.value[0];
      if (plan.reverse ? index.compareKeys(key, this.low) < 0 : index.compareKeys(key, this.high) > 0) {
        // Past this combination's bounds: a tie run ends here too.
        if (this.tie) return (this.done = true);
        this.entries = undefined;
        continue;
      }
      budget--;
      out.keysExamined++;
      if (this.tie && !sameAt(plan, key, this.tie)) return (this.done = true);
      if (plan.range && !inInterval(key[rangeAt], plan.range)) continue;
      const rid = key[n] as number;
      if (out.found.has(rid)) continue;
      const doc = index.docAt(rid) as Doc;
      out.found.set(rid, doc);
      out.docsExamined++;
      if (!this.stopEarly || this.tie || !this.test!(doc) || ++this.matched < this.need!) continue;
      if (plan.tieFree) return (this.done = true);
      this.tie = key;
    }
    return this.done;
  }
}

function sameAt(plan: Plan, a: TreeKey, b: TreeKey): boolean {
  return plan.sortPositions.every((i) => compareValues(a[i], b[i]) === 0);
}

/**
 * Lowest and highest tree keys of one prefix combination, in the index's key order. Past an
 * exclusive range bound ($gt/$lt) the rest of that end's key lies beyond every key holding
 * the bound value, so the walk neither starts on those keys nor reads them before stopping.
 */
function keyBounds(plan: Plan, points: unknown[]): [TreeKey, TreeKey] {
  const { fields, dirs } = plan.index;
  const low: TreeKey = [];
  const high: TreeKey = [];
  let lowPast = false;
  let highPast = false;
  for (let i = 0; i < fields.length; i++) {
    if (i < points.length) {
      low.push(points[i]);
      high.push(points[i]);
    } else if (i === points.length && plan.range) {
      const iv = plan.range;
      const [first, last] = dirs[i] > 0 ? [iv.low, iv.high] : [iv.high, iv.low];
      low.push(first);
      high.push(last);
      lowPast = dirs[i] > 0 ? !iv.lowInclusive : !iv.highInclusive;
      highPast = dirs[i] > 0 ? !iv.highInclusive : !iv.lowInclusive;
    } else {
      const [first, last] = dirs[i] > 0 ? [KEY_MIN, KEY_MAX] : [KEY_MAX, KEY_MIN];
      low.push(lowPast ? last : first);
      high.push(highPast ? first : last);
    }
  }
  low.push(lowPast ? Infinity : -Infinity);
  high.push(highPast ? -Infinity : Infinity);
  return [low, high];
}

function* combinations(prefix: unknown[][], reverse: boolean): Generator<unknown[]> {
  if (prefix.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = prefix;
  const firstPoints = reverse ? [...first].reverse() : first;
  for (const v of firstPoints) for (const tail of combinations(rest, reverse)) yield [v, ...tail];
}
