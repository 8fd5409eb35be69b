// What is left of a filter once an index walk has done part of its work. A top-level condition
// that pins a field to points ({f: v}, {f: {$eq: v}}, {f: {$in: [...]}}) which the plan walked as
// its prefix holds for every document the walk found, so mingo need not test it again — mongod
// likewise does not re-check predicates its index bounds answer exactly. Dropping them matters
// for `$in` over many ids: mingo hashes the whole list for every document it tests.
import { boundsOf } from './bounds';
import { compareValues } from './key-order';
import type { Plan } from './planner';
import type { Doc } from './values';

export function residualFilter(filter: Doc | undefined, plan: Plan | undefined): Doc | undefined {
  if (!filter || !plan) return filter;
  let out: Doc | undefined;
  plan.prefix.forEach((points, i) => {
    const field = plan.index.fields[i];
    if (!(field in filter) || !answeredByWalk(filter[field], points, plan, i)) return;
    out ??= { ...filter };
    delete out[field];
  });
  return out ?? filter;
}

function answeredByWalk(cond: unknown, points: unknown[], plan: Plan, at: number): boolean {
  // Only plain equality or a lone $eq / $in: anything else beside them stays with mingo.
  if (isOperatorObject(cond) && (Object.keys(cond).length !== 1 || !('$eq' in cond || '$in' in cond))) return false;
  // A null point also matches documents missing the field; array values match element-wise.
  // Keep both cases with mingo rather than reason about them here.
  if (plan.index.stats[at].multikeyDocs > 0) return false;
  const bounds = boundsOf(cond);
  if (!bounds?.points || bounds.matchesMissing || bounds.points.length !== points.length) return false;
  return bounds.points.every((p, j) => compareValues(p, points[j]) === 0);
}

function isOperatorObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v as Doc).some((k) => k.startsWith('$'));
}
