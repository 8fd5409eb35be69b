// The order of values inside an index: BSON type order first (MinKey < null/missing < numbers
// < strings < objects < arrays < binary < ObjectId < booleans < dates < timestamps < regexes
// < MaxKey), then the value. One deliberate difference from mongod: strings compare by UTF-16
// code units (JavaScript's `<`), as mingo's filters and sorts do, so an index walk and a scan
// agree; mongod's UTF-8 byte order differs only between astral characters and U+E000–U+FFFF.
import { Long, ObjectId, type Binary, type Timestamp } from 'bson';

/** A bound that sorts between type brackets (or below/above everything); never stored. */
export class Bound {
  constructor(readonly rank: number) {}
}
export const KEY_MIN = new Bound(-Infinity);
export const KEY_MAX = new Bound(Infinity);

/** Bounds of the type bracket holding `v`: `{$gt: 5}` walks up to the last number only. */
export function bracketOf(v: unknown): { low: Bound; high: Bound } {
  const rank = typeRank(v);
  return { low: new Bound(rank - 0.5), high: new Bound(rank + 0.5) };
}

// Ranks of the bson classes by their `_bsontype` tag (a property read is much cheaper than a
// chain of instanceof checks on the hot path of every index insert).
const BSON_RANKS: Record<string, number> = {
  ObjectId: 8,
  Long: 3,
  Int32: 3,
  Double: 3,
  Decimal128: 3,
  BSONSymbol: 4,
  Binary: 7,
  Timestamp: 11,
  BSONRegExp: 12,
  MinKey: 1,
  MaxKey: 13,
};

export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'undefined':
      return 2;
  }
  if (v === null) return 2;
  const tag = (v as { _bsontype?: unknown })._bsontype;
  if (typeof tag === 'string') return BSON_RANKS[tag] ?? 14;
  if (v instanceof Date) return 10;
  if (Array.isArray(v)) return 6;
  if (v instanceof Bound) return v.rank;
  if (v instanceof RegExp) return 12;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return 5;
  return 14; // Code, DBRef and other rarities: after everything, ordered by class then text
}

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  return Number((v as { toString(): string }).toString());
}

function compareNumbers(a: number, b: number): number {
  // mongod sorts NaN below every other number and treats -0 as 0.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order over BSON values as an index keeps them (null and missing are equal). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2:
    case 1:
    case 13:
      return 0;
    case 3:
      return compareNumbers(numberOf(a), numberOf(b));
    case 4:
      return compareText(String(a), String(b));
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6:
      return compareArrays(a as unknown[], b as unknown[]);
    case 7:
      return compareBinary(a as Binary, b as Binary);
    case 8:
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case 9:
      return Number(a) - Number(b);
    case 10:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return (a as Timestamp).compare(b as Timestamp);
    default:
      if (a instanceof Bound) return 0;
      return compareText(`${(a as object).constructor?.name}:${String(a)}`, `${(b as object).constructor?.name}:${String(b)}`);
  }
}

type ObjectIdWords = { i0?: number; i1: number; i2: number; i3: number };

// bson 7 keeps an ObjectId's 12 bytes as four 24-bit numbers (i0…i3, not in its typings); the
// public `.id` builds a new Buffer on every call, which dominated index inserts.
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as ObjectIdWords;
  const y = b as unknown as ObjectIdWords;
  if (typeof x.i0 !== 'number' || typeof y.i0 !== 'number') return Buffer.compare(a.id, b.id);
  return x.i0 - y.i0 || x.i1 - y.i1 || x.i2 - y.i2 || x.i3 - y.i3;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const byType = typeRank(a[ka[i]]) - typeRank(b[kb[i]]);
    if (byType) return byType < 0 ? -1 : 1;
    const byName = compareText(ka[i], kb[i]);
    if (byName) return byName;
    const byValue = compareValues(a[ka[i]], b[kb[i]]);
    if (byValue) return byValue;
  }
  return ka.length - kb.length;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i], b[i]);
    if (c) return c;
  }
  return a.length - b.length;
}

function compareBinary(a: Binary, b: Binary): number {
  if (a.position !== b.position) return a.position - b.position;
  if (a.sub_type !== b.sub_type) return a.sub_type - b.sub_type;
  return Buffer.compare(a.buffer, b.buffer);
}

/**
 * The class a value falls in for sorting. An index walk may stand in for mingo's sort only on
 * a field holding a single class (besides null/missing): within one of these mingo orders
 * values exactly as compareValues does; across classes (ObjectId against booleans, Long,
 * embedded documents …) mingo's order differs from BSON order.
 */
export function sortClass(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'other' : 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return 'date';
  if (v instanceof ObjectId) return 'objectid';
  if (Array.isArray(v)) return 'array';
  return 'other';
}
