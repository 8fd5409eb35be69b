// What a filter says about single fields, in the terms an index walk can use: a set of points
// (equality, $in) or an interval ($gt/$gte/$lt/$lte) inside one type bracket. Only top-level
// conjuncts (and those of a top-level $and) count, so every document the filter matches lies
// inside these bounds; anything else ($or, $not, $regex, $elemMatch …) is left to mingo.
// Several equalities on one field ($all: [a, b, c], or {f: a} and {f: b} in an $and) each bound
// every match on their own; on a multikey field they cannot be intersected (a document holds
// a and b under different keys), so each is an alternative and the planner tries them all, as
// mongod's enumerator makes one plan per predicate on a multikey field and races them.
import { ObjectId } from 'bson';
import { bracketOf, compareValues, type Bound } from './key-order';
import type { Doc } from './values';

export interface Interval {
  low: unknown;
  lowInclusive: boolean;
  high: unknown;
  highInclusive: boolean;
}

export interface FieldBounds {
  /** Equality / $in values; when set, the field is pinned to these points. */
  points?: unknown[];
  /** A range within one type bracket. */
  range?: Interval;
  /** True when a document missing the field could match (a null point). */
  matchesMissing: boolean;
  /** Other point sets that each also bound every match (the first is `points`). */
  alternatives?: unknown[][];
}

// mongod walks an index for an $in of any length; above 1,000 the stand-in once fell back to a
// scan with mingo hashing the whole list per document (seconds at 3,000 users, which stalled it).
export const MAX_IN_POINTS = 100_000;

/** Values mingo compares exactly as compareValues does (see key-order.ts), so points are safe. */
function isPointValue(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v === 'number') return !Number.isNaN(v);
  return typeof v === 'string' || typeof v === 'boolean' || v instanceof Date || v instanceof ObjectId;
}

/** Range operands: mingo compares only values of the same type, which is one bracket here. */
function isRangeValue(v: unknown): boolean {
  return (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'string' || v instanceof Date || v instanceof ObjectId;
}

function isOperatorObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Per-field bounds implied by `filter`; fields with nothing usable are absent. */
export function fieldBounds(filter: Doc | undefined): Map<string, FieldBounds> {
  const out = new Map<string, FieldBounds>();
  const visit = (f: Doc) => {
    for (const [field, cond] of Object.entries(f)) {
      if (field === '$and' && Array.isArray(cond)) {
        for (const sub of cond) if (sub && typeof sub === 'object' && !Array.isArray(sub)) visit(sub as Doc);
        continue;
      }
      if (field.startsWith('$')) continue;
      const bounds = boundsOf(cond);
      // Any one conjunct's bounds hold every match; prefer points, which narrow the most.
      const had = out.get(field);
      if (bounds && (!had || (bounds.points && !had.points))) out.set(field, bounds);
      else if (bounds?.points && had?.points) {
        had.alternatives = [...(had.alternatives ?? [had.points]), ...(bounds.alternatives ?? [bounds.points])];
      }
    }
  };
  if (filter) visit(filter);
  return out;
}

export function boundsOf(cond: unknown): FieldBounds | undefined {
  if (!isOperatorObject(cond)) {
    return isPointValue(cond) ? { points: [cond], matchesMissing: cond === null } : undefined;
  }
  if ('$eq' in cond && isPointValue(cond.$eq)) return { points: [cond.$eq], matchesMissing: cond.$eq === null };
  const inList = cond.$in;
  if (Array.isArray(inList) && inList.length <= MAX_IN_POINTS && inList.every(isPointValue)) {
    const points = [...inList].sort(compareValues).filter((v, i, all) => i === 0 || compareValues(all[i - 1], v) !== 0);
    return { points, matchesMissing: points.some((p) => p === null) };
  }
  // $all: every element is an equality the document must satisfy.
  // (A null element would also match documents missing the field: left to mingo.)
  const all = Array.isArray(cond.$all) ? cond.$all.filter((v) => v !== null && isPointValue(v)) : [];
  if (all.length) {
    const alternatives = all.filter((v, i) => all.findIndex((w) => compareValues(v, w) === 0) === i).map((v) => [v]);
    return { points: alternatives[0], matchesMissing: false, alternatives: alternatives.length > 1 ? alternatives : undefined };
  }
  const range = rangeOf(cond);
  return range ? { range, matchesMissing: false } : undefined;
}

function rangeOf(cond: Doc): Interval | undefined {
  const low = cond.$gt !== undefined ? { v: cond.$gt, inc: false } : cond.$gte !== undefined ? { v: cond.$gte, inc: true } : undefined;
  const high = cond.$lt !== undefined ? { v: cond.$lt, inc: false } : cond.$lte !== undefined ? { v: cond.$lte, inc: true } : undefined;
  const usableLow = low && isRangeValue(low.v) ? low : undefined;
  let usableHigh = high && isRangeValue(high.v) ? high : undefined;
  if (usableLow && usableHigh && bracketOf(usableLow.v).low.rank !== bracketOf(usableHigh.v).low.rank) usableHigh = undefined;
  const anchor = usableLow?.v ?? usableHigh?.v;
  if (anchor === undefined) return undefined;
  const bracket = bracketOf(anchor);
  return {
    low: usableLow ? usableLow.v : bracket.low,
    lowInclusive: usableLow ? usableLow.inc : true,
    high: usableHigh ? usableHigh.v : bracket.high,
    highInclusive: usableHigh ? usableHigh.inc : true,
  };
}

/** Whether `v` (a key value) lies in the interval. */
export function inInterval(v: unknown, iv: Interval): boolean {
  const lo = compareValues(v, iv.low);
  if (lo < 0 || (lo === 0 && !iv.lowInclusive)) return false;
  const hi = compareValues(v, iv.high);
  return hi < 0 || (hi === 0 && iv.highInclusive);
}

export type { Bound };
