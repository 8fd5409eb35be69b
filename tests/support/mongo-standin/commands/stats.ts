// Collection and index sizes: the collStats command and the $collStats aggregation stage
// (`storageStats`, `count`), in mongod's shape. The stand-in keeps no pages on disk, so the
// sizes are estimates: a collection's `size` is the BSON size of its documents (`storageSize`
// the same: nothing is compressed), an index's size is, per entry, the BSON size of its key
// values plus INDEX_ENTRY_OVERHEAD bytes (record id and framing). WiredTiger's prefix-compressed
// pages are usually smaller; the numbers compare indexes and show growth, they do not predict
// a real mongod's disk use.
import { calculateObjectSize } from 'bson';
import { CommandError } from '../errors';
import type { Index } from '../indexes';
import type { Collection } from '../store';
import type { Doc } from '../values';
import { collectionArg, optionalNumber, type Context } from './context';
import { VERSION } from './handshake';

/** Bytes counted per index entry beyond its key values: an 8-byte record id and 4 of framing. */
export const INDEX_ENTRY_OVERHEAD = 12;

export function collStats(cmd: Doc, ctx: Context): Doc {
  const name = collectionArg(cmd, 'collStats');
  const coll = found(ctx, name);
  return { ...storageStats(coll, optionalNumber(cmd.scale)), ok: 1 };
}

/** The one document `{$collStats: {storageStats?, count?}}` produces. */
export function collStatsStage(spec: Doc, name: string, ctx: Context): Doc {
  const coll = found(ctx, name);
  const out: Doc = { ns: coll.ns, host: `127.0.0.1:${ctx.port}`, localTime: new Date() };
  const storage = spec.storageStats;
  if (storage && typeof storage === 'object') out.storageStats = storageStats(coll, optionalNumber((storage as Doc).scale));
  if (spec.count && typeof spec.count === 'object') out.count = coll.size;
  if (spec.latencyStats || spec.queryExecStats) {
    throw new CommandError('CommandNotSupported', '$collStats: the MongoDB stand-in reports storageStats and count only');
  }
  return out;
}

function found(ctx: Context, name: string): Collection {
  const coll = ctx.store.db(ctx.dbName).get(name);
  if (!coll) throw new CommandError('NamespaceNotFound', `Collection [${ctx.dbName}.${name}] not found.`);
  return coll;
}

function storageStats(coll: Collection, scaleArg?: number): Doc {
  const scale = scaleArg && scaleArg >= 1 ? Math.floor(scaleArg) : 1;
  const scaled = (bytes: number) => Math.floor(bytes / scale);
  const size = sampled(coll.docs, coll.size, (doc) => calculateObjectSize(doc));
  const indexSizes: Doc = {};
  let totalIndexSize = 0;
  for (const index of coll.indexes) {
    const bytes = indexBytes(index);
    indexSizes[index.name] = scaled(bytes);
    totalIndexSize += bytes;
  }
  const count = coll.size;
  return {
    ns: coll.ns,
    size: scaled(size),
    count,
    avgObjSize: count ? Math.floor(size / count) : 0,
    numOrphanDocs: 0,
    storageSize: scaled(size),
    freeStorageSize: 0,
    capped: coll.options.capped === true,
    nindexes: coll.indexes.length,
    indexBuilds: [],
    totalIndexSize: scaled(totalIndexSize),
    totalSize: scaled(size + totalIndexSize),
    indexSizes,
    scaleFactor: scale,
    engine: `mongo-standin ${VERSION}`,
  };
}

/** Estimated bytes of one index: its entries' key values plus the per-entry overhead. */
export function indexBytes(index: Index): number {
  if (!index.tree) return 0;
  const n = index.fields.length;
  return sampled(index.tree.keys(), index.tree.size, (key) => {
    let bytes = INDEX_ENTRY_OVERHEAD;
    for (let i = 0; i < n; i++) bytes += valueBytes(key[i]);
    return bytes;
  });
}

/** Items measured exactly up to this many; beyond, evenly spaced ones and the total scaled up. */
export const SIZE_SAMPLE = 20_000;

/**
 * The summed size of `count` items, measured one by one up to SIZE_SAMPLE of them, else from every
 * k-th one scaled to the count: at a million messages (35 million n-gram entries) measuring each
 * held the stand-in's only thread for longer than the driver's monitor waits, which then gave the
 * connection up. mongod's own figures are of pages, not items, and no more exact than this.
 */
function sampled<T>(items: Iterable<T>, count: number, bytesOf: (item: T) => number): number {
  const step = Math.max(1, Math.floor(count / SIZE_SAMPLE));
  let bytes = 0;
  let measured = 0;
  let i = 0;
  for (const item of items) {
    if (i++ % step !== 0) continue;
    bytes += bytesOf(item);
    measured++;
  }
  return measured === 0 ? 0 : Math.round((bytes / measured) * count);
}

/** BSON bytes of a value as an element (type byte and value, no field name). */
function valueBytes(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return 6 + Buffer.byteLength(v, 'utf8');
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 5 : 9;
    case 'boolean':
      return 2;
    case 'undefined':
      return 1;
  }
  if (v === null) return 1;
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'ObjectId') return 13;
  if (v instanceof Date) return 9;
  // Anything else: its size inside a one-field document, less that document's own framing.
  return calculateObjectSize({ v }) - 7;
}
