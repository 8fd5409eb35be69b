// The keys one prefix combination of a plan covers, shared by the walk of one combination
// after another (index-scan.ts) and the merge of several side by side (merge-walk.ts).
import { compareValues, KEY_MAX, KEY_MIN } from './key-order';
import type { TreeKey } from './indexes';
import type { Plan } from './planner';

/** Whether two keys tie on the fields that give the sort. */
export function sameAt(plan: Plan, a: TreeKey, b: TreeKey): boolean {
  return plan.sortPositions.every((i) => compareValues(a[i], b[i]) === 0);
}

/**
 * Lowest and highest tree keys of one prefix combination, in the index's key order. Past an
 * exclusive range bound ($gt/$lt) the rest of that end's key lies beyond every key holding
 * the bound value, so the walk neither starts on those keys nor reads them before stopping.
 */
export function keyBounds(plan: Plan, points: unknown[]): [TreeKey, TreeKey] {
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

/** Every combination of the prefix points, in walk order. */
export function* combinations(prefix: unknown[][], reverse: boolean): Generator<unknown[]> {
  if (prefix.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = prefix;
  const firstPoints = reverse ? [...first].reverse() : first;
  for (const v of firstPoints) for (const tail of combinations(rest, reverse)) yield [v, ...tail];
}
