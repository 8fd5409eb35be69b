// Thin layer over mingo: the one place that decides which mingo options the stand-in uses.
import { Query, Aggregator } from 'mingo';
import type { Options, CollationSpec, CollectionResolver } from 'mingo/types';
import { clone, type Doc } from './values';

export interface QueryExtras {
  collation?: Doc;
  variables?: Doc;
  collectionResolver?: CollectionResolver;
}

// useStrictMode keeps MongoDB semantics ($elemMatch projection, $type names). ObjectId and Date
// need no custom comparator: mingo compares Dates by time and other classes by toString(),
// which for ObjectId is the hex string, i.e. the same order as mongod's byte order.
export function mingoOptions(extras: QueryExtras = {}): Partial<Options> {
  const options: Record<string, unknown> = { useStrictMode: true };
  if (extras.collation && typeof extras.collation.locale === 'string' && extras.collation.locale !== 'simple') {
    options.collation = extras.collation as unknown as CollationSpec;
  }
  if (extras.variables) options.variables = extras.variables;
  if (extras.collectionResolver) options.collectionResolver = extras.collectionResolver;
  return options as Partial<Options>;
}

/**
 * A mingo query for `filter`. Building one costs tens of kilobytes (mingo sets up its operator
 * context each time), and most reads the index answers fully leave an empty filter: that one query,
 * which holds no state between uses, is built once.
 */
let matchAll: Query | undefined;
function queryFor(filter: Doc | undefined, extras: QueryExtras = {}): Query {
  const plain = !extras.collation && !extras.variables && !extras.collectionResolver;
  if (plain && (!filter || Object.keys(filter).length === 0)) return (matchAll ??= new Query({}, mingoOptions()));
  return new Query(filter ?? {}, mingoOptions(extras));
}

export function matcher(filter: Doc, extras?: QueryExtras): (doc: Doc) => boolean {
  const q = queryFor(filter, extras);
  return (doc) => q.test(doc);
}

export interface SelectOptions extends QueryExtras {
  sort?: Doc;
  skip?: number;
  limit?: number;
}

/** Matching stored documents (by reference), sorted, skipped and limited. */
export function select(docs: Doc[], filter: Doc | undefined, opts: SelectOptions = {}): Doc[] {
  const q = queryFor(filter, opts);
  const sort = opts.sort && Object.keys(opts.sort).length ? opts.sort : undefined;
  let source = docs;
  let mingoSort = sort;
  if (sort && '$natural' in sort) {
    // $natural is insertion order, which is how documents are kept.
    if (Number(sort.$natural) < 0) source = [...docs].reverse();
    mingoSort = undefined;
  }
  let cursor = q.find<Doc>(source);
  if (mingoSort) cursor = cursor.sort(mingoSort);
  if (opts.skip) cursor = cursor.skip(opts.skip);
  if (opts.limit) cursor = cursor.limit(opts.limit);
  return cursor.all();
}

/**
 * Applies a find projection; the filter is needed for positional `field.$` projections.
 *
 * Stored documents are never changed in place: an update stores a new object
 * (`Collection.replace`), and replies are serialized as they are. So a reply (or a cursor's rest)
 * holds the stored documents and their values by reference; copying every document of every page
 * was most of what a history page allocated here.
 */
export function projector(projection: Doc | undefined, filter: Doc | undefined, extras?: QueryExtras): (doc: Doc) => Doc {
  if (!projection || Object.keys(projection).length === 0) return (doc) => doc;
  const fields = plainInclusion(projection);
  if (fields) return (doc) => pick(doc, fields);
  const left = plainExclusion(projection);
  if (left) return (doc) => pick(doc, left, false);
  // The filter only matters for positional `field.$` projections; otherwise it must not be
  // applied (findAndModify projects the updated document, which may no longer match).
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const q = new Query(positional ? (filter ?? {}) : {}, mingoOptions(extras));
  return (doc) => orderLike(q.find<Doc>([clone(doc)], projection).all()[0] ?? {}, doc);
}

/**
 * The top-level fields of a plain inclusion projection (`{a: 1, b: true}`, `_id` kept unless
 * excluded), or undefined for anything else (dotted paths, operators, other exclusions), which
 * goes through mingo. An id-only read of many documents is common (which of these ids exist).
 */
function plainInclusion(projection: Doc): Set<string> | undefined {
  const fields = new Set<string>(['_id']);
  for (const [key, value] of Object.entries(projection)) {
    if (key.includes('.') || key.startsWith('$')) return undefined;
    if (value === 1 || value === true) fields.add(key);
    else if (key === '_id' && (value === 0 || value === false)) fields.delete('_id');
    else return undefined;
  }
  return fields.size > 0 ? fields : undefined;
}

/**
 * The top-level fields of a plain exclusion projection (`{a: 0, b: false}`), or undefined for
 * anything else. The server's reads of messages leave out their search fields this way on every
 * page; through mingo that cost a query object and a projection check per document.
 */
function plainExclusion(projection: Doc): Set<string> | undefined {
  const fields = new Set<string>();
  for (const [key, value] of Object.entries(projection)) {
    if (key.includes('.') || key.startsWith('$') || !(value === 0 || value === false)) return undefined;
    fields.add(key);
  }
  return fields;
}

/** The named top-level fields (or, with `keep` false, all the others), in the document's own order, as mongod returns them. */
function pick(doc: Doc, fields: Set<string>, keep = true): Doc {
  const out: Doc = {};
  // for…in: no array of keys per document (a stored document is a plain object, nothing inherited).
  for (const key in doc) if (fields.has(key) === keep) out[key] = doc[key];
  return out;
}

// mingo emits projected fields in projection order (and `_id` last); mongod keeps document order.
function orderLike(projected: Doc, source: Doc): Doc {
  const out: Doc = {};
  for (const key of Object.keys(source)) {
    if (!(key in projected)) continue;
    const p = projected[key];
    const s = source[key];
    out[key] = isPlain(p) && isPlain(s) ? orderLike(p, s) : p;
  }
  for (const key of Object.keys(projected)) if (!(key in out)) out[key] = projected[key];
  return out;
}

function isPlain(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

export function runPipeline(docs: Doc[], pipeline: Doc[], extras?: QueryExtras): Doc[] {
  return new Aggregator(pipeline, mingoOptions(extras)).run<Doc>(docs);
}
