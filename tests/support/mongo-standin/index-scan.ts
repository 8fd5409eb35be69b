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
  const out: Walked = into ?? { found: new Map(), keysExamined: 0, docsExamined: 0 };
  const stopEarly = need !== undefined && test !== undefined && plan.sortPositions.length > 0;
  let matched = 0;
  for (const points of combinations(plan.prefix, plan.reverse)) {
    const [low, high] = keyBounds(plan, points);
    const index = plan.index;
    const tree = index.tree!;
    const rangeAt = plan.prefix.length;
    const n = plan.index.fields.length;
    const entries = plan.reverse ? tree.entriesReversed(high) : tree.entries(low);
    let tie: TreeKey | undefined;
    for (const [key] of entries) {
      if (plan.reverse ? index.compareKeys(key, low) < 0 : index.compareKeys(key, high) > 0) break;
      out.keysExamined++;
      if (tie && !sameAt(plan, key, tie)) break;
      if (plan.range && !inInterval(key[rangeAt], plan.range)) continue;
      const rid = key[n] as number;
      if (out.found.has(rid)) continue;
      const doc = index.docAt(rid) as Doc;
      out.found.set(rid, doc);
      out.docsExamined++;
      if (!stopEarly || tie || !test(doc) || ++matched < need) continue;
      if (plan.tieFree) return out;
      tie = key;
    }
    if (tie) return out;
  }
  return out;
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
