// Walks a plan's index: every prefix combination from its lowest to its highest key (or back),
// collecting the documents whose keys lie in the bounds. With a limit and an index order that
// delivers the sort, it stops once enough documents match, plus any that tie with the last one
// on the sort fields, so mingo's stable sort over the collected set equals a full scan's.
// A plan whose combinations are to be merged for the sort is walked by merge-walk.ts instead.
import { inInterval } from './bounds';
import type { TreeKey } from './indexes';
import { MergeWalk } from './merge-walk';
import type { Plan } from './planner';
import type { Doc } from './values';
import { combinations, keyBounds, sameAt } from './walk-keys';

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
  const walk = openWalk(plan, need, test, into);
  walk.step(Infinity);
  return walk.out;
}

/** A walk that can be advanced a few keys at a time (so that several can be raced). */
export interface Walk {
  readonly plan: Plan;
  readonly out: Walked;
  /** Examines up to `budget` more keys; true once the walk is over. */
  step(budget: number): boolean;
}

/** The plan's walk: one combination after another, or all of them merged (plan.merge). */
export function openWalk(plan: Plan, need?: number, test?: (doc: Doc) => boolean, into?: Walked): Walk {
  return plan.merge ? new MergeWalk(plan, need, test, into) : new IndexWalk(plan, need, test, into);
}

/**
 * Walks several plans that differ only in which alternative points they take ($all on a
 * multikey field) a key at a time in turn, as mongod's multi-planner races candidate plans;
 * the first to finish (its bounds exhausted, or its limit reached in sort order) wins and its
 * walk is the answer. The others cost at most as many keys as the winner each.
 */
export function raceWalks(plans: Plan[], need?: number, test?: (doc: Doc) => boolean): { plan: Plan; walked: Walked; rejected: Plan[] } {
  const walks = plans.map((plan) => openWalk(plan, need, test));
  for (;;) {
    for (const walk of walks) {
      if (walk.step(1)) return { plan: walk.plan, walked: walk.out, rejected: plans.filter((p) => p !== walk.plan) };
    }
  }
}

/** One index walk, its prefix combinations one after another. */
export class IndexWalk implements Walk {
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
