// Picks the index a query walks, or none (then the collection is scanned). An index is used
// when the filter pins its leading fields by equality/$in, optionally bounds the next one by
// a range, or when — with a limit — its order after the pinned fields is the requested sort.
// The plan only narrows which documents mingo looks at; mingo still applies the whole filter,
// sort, skip and limit, so answers are the same as a scan's (except that a walk that gives the
// exact order with no ties is not sorted again: Collection.select in store.ts).
import { fieldBounds, MAX_IN_POINTS, type FieldBounds, type Interval } from './bounds';
import type { Index } from './indexes';
import { matcher } from './query';
import { keyString, type Doc } from './values';

export interface Plan {
  index: Index;
  /** Points for the leading fields the filter pins (one list per field). */
  prefix: unknown[][];
  /** A range on the field after the prefix. */
  range?: Interval;
  /** Walk from the highest key down. */
  reverse: boolean;
  /** Index field positions whose walk order delivers the sort (empty: the sort is mingo's). */
  sortPositions: number[];
  /** No two entries can tie on the prefix and sort fields (unique index fully covered). */
  tieFree: boolean;
  /** The walk visits documents in the requested sort order (explain then shows no SORT stage). */
  givesOrder: boolean;
  /**
   * The prefix has several point combinations, each walked in sort order, and the walks are
   * merged (mongod's SORT_MERGE over one IXSCAN per combination, "explode for sort").
   */
  merge: boolean;
}

export interface PlanRequest {
  filter?: Doc;
  sort?: Doc;
  /** skip + limit when the query is limited. */
  need?: number;
  collation?: Doc;
}

/** As many points as an $in may bring: mongod walks its index for long lists too. */
const MAX_PREFIX_COMBOS = MAX_IN_POINTS;
/**
 * At most this many point combinations are walked side by side and merged for a sort; more
 * are walked one after another and sorted in memory — mongod's internalQueryMaxScansToExplode.
 */
export const MAX_SCANS_TO_EXPLODE = 200;
/** Alternative point sets tried for one field (see bounds.ts), e.g. the n-grams of a long phrase. */
const MAX_ALTERNATIVES = 16;

export interface ScoredPlan {
  plan: Plan;
  score: number;
  /**
   * Plans on the same index and of the same score that differ only in which alternative
   * points they take for a field ($all on a multikey field): the caller races them (store.ts).
   * `plan` is the first of them.
   */
  alternatives?: Plan[];
}

export function choosePlan(indexes: Index[], req: PlanRequest): Plan | undefined {
  return scoredPlan(indexes, req)?.plan;
}

/** The best plan and its score (higher narrows more), so an $or plan can be weighed against it. */
export function scoredPlan(indexes: Index[], req: PlanRequest): ScoredPlan | undefined {
  if (req.collation && typeof req.collation.locale === 'string' && req.collation.locale !== 'simple') return undefined;
  if (req.sort && '$natural' in req.sort) return undefined;
  const bounds = fieldBounds(req.filter);
  let best: ScoredPlan | undefined;
  for (const index of indexes) {
    const variants = boundVariants(index, bounds).map((b) => planFor(index, b, req));
    const first = variants[0];
    if (!first || (best && first.score <= best.score)) continue;
    const same = variants.filter((v) => v && v.score === first.score).map((v) => v!.plan);
    best = { ...first, alternatives: same.length > 1 ? same : undefined };
  }
  return best;
}

/**
 * The bounds to plan with on this index: as given, or — when an index field has alternative
 * point sets — one copy per alternative (for the first such field the index holds).
 */
function boundVariants(index: Index, bounds: Map<string, FieldBounds>): Array<Map<string, FieldBounds>> {
  const field = index.fields.find((f) => (bounds.get(f)?.alternatives?.length ?? 0) > 1);
  if (!field) return [bounds];
  const own = bounds.get(field)!;
  return own.alternatives!.slice(0, MAX_ALTERNATIVES).map((points) => {
    const copy = new Map(bounds);
    copy.set(field, { points, matchesMissing: points.some((p) => p === null) });
    return copy;
  });
}

function usable(index: Index): boolean {
  if (!index.tree || index.spec.collation) return false;
  // Numeric path parts ("a.0") and nested arrays resolve differently in mingo and in keys.
  return index.fields.every((f, i) => !/(^|\.)\d+(\.|$)/.test(f) && !(index.stats[i].classes.get('array') ?? 0));
}

function planFor(index: Index, bounds: Map<string, FieldBounds>, req: PlanRequest): { plan: Plan; score: number } | undefined {
  if (!usable(index)) return undefined;
  const { fields } = index;
  const prefix: unknown[][] = [];
  let combos = 1;
  for (const f of fields) {
    const points = bounds.get(f)?.points;
    if (!points || combos * points.length > MAX_PREFIX_COMBOS) break;
    prefix.push(points);
    combos *= points.length;
  }
  const p = prefix.length;
  const range = p < fields.length ? bounds.get(fields[p])?.range : undefined;
  const { positions, reverse, complete, merge } = sortOrder(index, bounds, req.sort, p, combos);
  const servesLimit = positions.length > 0 && req.need !== undefined;
  if (p === 0 && !range && !servesLimit) return undefined;
  if (!coversEveryMatch(index, bounds, req.filter)) return undefined;
  // Nor can two entries tie when the sort includes _id (one document per key under one prefix).
  const tieFree = (index.enforcesUniqueness && p + positions.length === fields.length) || positions.some((at) => fields[at] === '_id');
  // A merge orders its runs by the sort positions even without a limit.
  const plan: Plan = { index, prefix, range, reverse, sortPositions: servesLimit || merge ? positions : [], tieFree, givesOrder: complete, merge };
  const unique = index.enforcesUniqueness && p === fields.length && combos === 1;
  const score = (unique ? 100 : 0) + (servesLimit ? 50 : 0) + p * 10 + (range ? 5 : 0) + (positions.length ? 2 : 0) - fields.length * 0.1;
  return { plan, score };
}

/**
 * Which index fields, walked in order, deliver the requested sort: those right after the
 * pinned prefix, in the sort's order and all in the same (or all the opposite) direction.
 * Sort fields the filter pins to one value order nothing and are skipped. With one prefix
 * combination the walk is in that order; with several (an $in), each combination's walk is,
 * and merging them gives the order — only when the sort is entirely theirs and there are at
 * most MAX_SCANS_TO_EXPLODE combinations, as in mongod's explodeForSort.
 */
function sortOrder(index: Index, bounds: Map<string, FieldBounds>, sort: Doc | undefined, p: number, combos: number): { positions: number[]; reverse: boolean; complete: boolean; merge: boolean } {
  const none = { positions: [], reverse: false, complete: false, merge: false };
  if (!sort || combos > MAX_SCANS_TO_EXPLODE) return none;
  // (A field pinned to null is not constant for mingo, which sorts missing below null; nor is
  // an array field pinned to one element, which mingo sorts by its smallest/largest element, so
  // only index fields known to hold no arrays count.)
  const pinned = (f: string) => {
    const at = index.fields.indexOf(f);
    if (at < 0 || at >= p || index.stats[at].multikeyDocs > 0) return false;
    const points = bounds.get(f)?.points;
    return points?.length === 1 && points[0] !== null;
  };
  const wanted = Object.entries(sort).filter(([f]) => !pinned(f));
  const positions: number[] = [];
  let ratio = 0;
  for (let j = 0; j < wanted.length && p + j < index.fields.length; j++) {
    const [field, dir] = wanted[j];
    const at = p + j;
    const r = Math.sign(Number(dir)) * index.dirs[at];
    if (field !== index.fields[at] || !r || (ratio && r !== ratio) || !sortsLikeMingo(index, at)) break;
    ratio = r;
    positions.push(at);
  }
  // Complete: every sort field is pinned or walked in order (the _id at the end of a
  // multikey index's sort decides all the rest).
  const complete = positions.length === wanted.length || positions.some((at) => index.fields[at] === '_id');
  if (combos === 1) return { positions, reverse: ratio < 0, complete, merge: false };
  // A merge yields nothing but the order of its runs, so it is only worth it for the whole sort.
  if (!positions.length || !complete) return none;
  return { positions, reverse: ratio < 0, complete, merge: true };
}

/**
 * mingo sorts values of one class (numbers, strings, dates, ObjectIds, booleans; null/missing
 * below them) exactly as the index orders them; mixed classes or arrays (mingo sorts an array
 * by its smallest/largest element) could differ, so such a field does not serve a sort.
 */
function sortsLikeMingo(index: Index, at: number): boolean {
  const { classes, multikeyDocs } = index.stats[at];
  if (multikeyDocs > 0) return false;
  const present = [...classes].filter(([cls, n]) => n > 0 && cls !== 'null').map(([cls]) => cls);
  return present.length <= 1 && !present.includes('other');
}

/** A sparse or partial index holds only some documents; use it only if those are all that can match. */
function coversEveryMatch(index: Index, bounds: Map<string, FieldBounds>, filter: Doc | undefined): boolean {
  const { spec, fields } = index;
  // A sparse index leaves out documents missing all its fields: fine if the filter needs one.
  if (spec.sparse && !fields.some((f) => bounds.has(f) && !bounds.get(f)?.matchesMissing)) return false;
  if (spec.partialFilterExpression) return impliesPartial(filter ?? {}, spec.partialFilterExpression, bounds);
  return true;
}

/**
 * Whether every document matching `filter` matches the partial filter: each of its top-level
 * conditions appears verbatim in the query, or the query pins that field to values that
 * satisfy it. (mongod proves more implications; anything unproven is simply a scan here.)
 */
function impliesPartial(filter: Doc, partial: Doc, bounds: Map<string, FieldBounds>): boolean {
  const conjuncts = topLevelConjuncts(filter);
  return Object.entries(partial).every(([field, cond]) => {
    if (field === '$and' && Array.isArray(cond)) return cond.every((sub) => impliesPartial(filter, sub as Doc, bounds));
    if (conjuncts.some(([f, c]) => f === field && keyString(c) === keyString(cond))) return true;
    const points = bounds.get(field)?.points;
    if (!points || field.startsWith('$')) return false;
    const test = matcher({ [field]: cond });
    // A null point also matches documents without the field, which must satisfy it too.
    return points.every((v) => test(nested(field, v)) && (v !== null || test({})));
  });
}

function topLevelConjuncts(filter: Doc): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [f, c] of Object.entries(filter)) {
    if (f === '$and' && Array.isArray(c)) for (const sub of c) out.push(...topLevelConjuncts(sub as Doc));
    else out.push([f, c]);
  }
  return out;
}

function nested(path: string, value: unknown): Doc {
  return path.split('.').reduceRight<unknown>((inner, part) => ({ [part]: inner }), value) as Doc;
}
