// BSON-aware helpers for documents held in memory: cloning, canonical keys for unique
// indexes, and mongod-style rendering of values inside error messages.
import { Binary, ObjectId, Long, Decimal128, Double, Int32 } from 'bson';

export type Doc = Record<string, unknown>;

function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Deep clone of plain objects/arrays/Dates; BSON value classes are immutable in practice, so shared. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out as T;
  }
  return v;
}

// Short strings (n-grams: a message of 30 characters brings ~30 bigrams, each a separate
// 24-byte string object as BSON decodes it) are shared through one table when documents are
// stored: a million messages hold tens of millions of them but only some thousands distinct.
const SHORT = 3;
const MAX_SHARED = 1_000_000;
const shared = new Map<string, string>();

function share(s: string): string {
  const had = shared.get(s);
  if (had !== undefined) return had;
  if (shared.size < MAX_SHARED) shared.set(s, s);
  return s;
}

/** clone() for a document about to be stored: short strings come from the shared table. */
export function cloneForStore<T>(v: T): T {
  if (typeof v === 'string') return (v.length <= SHORT ? share(v) : v) as T;
  if (Array.isArray(v)) return v.map(cloneForStore) as T;
  // A decoded Binary is a view into the whole request (a GridFS chunk's message, or a batch):
  // keep only its own bytes.
  if (v instanceof Binary && Object.getPrototypeOf(v) === Binary.prototype && v.buffer.byteLength < v.buffer.buffer.byteLength) {
    return new Binary(new Uint8Array(v.buffer), v.sub_type) as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneForStore(x);
    return out as T;
  }
  return v;
}

function numericOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Double || v instanceof Int32) return v.valueOf();
  if (v instanceof Decimal128) return Number(v.toString());
  return undefined;
}

/**
 * A string equal for values mongod's index treats as equal (1, 1.0 and Long(1) collide;
 * embedded documents compare field by field in order).
 */
export function keyString(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  const n = numericOf(v);
  if (n !== undefined) return `n:${Object.is(n, -0) ? 0 : n}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof ObjectId) return `o:${v.toHexString()}`;
  if (v instanceof RegExp) return `r:${v.source}/${v.flags}`;
  if (Array.isArray(v)) return `[${v.map(keyString).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${keyString(x)}`).join(',')}}`;
  }
  const tag = (v as { _bsontype?: string })._bsontype ?? (v as object).constructor?.name ?? 'x';
  return `${tag}:${String(v)}`;
}

/** Renders a value like mongod's BSONObj::toString inside `dup key: { ... }`. */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return v.length ? `[ ${v.map(renderValue).join(', ')} ]` : '[]';
  if (isPlainObject(v)) return renderDoc(v);
  return String(v);
}

export function renderDoc(d: Doc): string {
  const parts = Object.entries(d).map(([k, v]) => `${k}: ${renderValue(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

/** mongod keeps `_id` as the first field of every stored document. */
export function idFirst(doc: Doc): Doc {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
