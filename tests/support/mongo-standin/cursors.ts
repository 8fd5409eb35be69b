// Server-side cursors: the rest of a result set, already projected and copied, handed out
// batch by batch through getMore. A snapshot is simpler than mongod's live cursors and gives
// the same answers for tests that do not write while iterating.
import { Long, calculateObjectSize } from 'bson';
import { CommandError } from './errors';
import type { Doc } from './values';

// mongod's defaults: 101 documents in a first batch, batches capped at 16 MiB.
export const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  position: number;
  touched: number;
}

/** `{ cursor: { firstBatch | nextBatch, id, ns }, ok: 1 }` */
export type CursorReply = Doc;

export class Cursors {
  private readonly open = new Map<string, OpenCursor>();
  private nextId = 1;

  /** First batch for a fresh result; a cursor is kept only if documents remain. */
  first(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): CursorReply {
    this.sweep();
    const size = batchSize === undefined || batchSize <= 0 ? (batchSize === 0 ? 0 : DEFAULT_FIRST_BATCH) : batchSize;
    const batch = takeBatch(docs, 0, size);
    let id = Long.ZERO;
    if (!singleBatch && batch.length < docs.length) {
      id = Long.fromNumber(this.nextId++);
      this.open.set(id.toString(), { ns, docs, position: batch.length, touched: Date.now() });
    }
    return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
  }

  more(id: Long | number, ns: string, batchSize: number | undefined): CursorReply {
    const key = id.toString();
    const c = this.open.get(key);
    if (!c || c.ns !== ns) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    const batch = takeBatch(c.docs, c.position, batchSize && batchSize > 0 ? batchSize : Infinity);
    c.position += batch.length;
    c.touched = Date.now();
    let replyId = Long.fromString(key);
    if (c.position >= c.docs.length) {
      this.open.delete(key);
      replyId = Long.ZERO;
    }
    return { cursor: { nextBatch: batch, id: replyId, ns }, ok: 1 };
  }

  kill(ids: Array<Long | number>): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      const long = typeof id === 'number' ? Long.fromNumber(id) : id;
      (this.open.delete(long.toString()) ? killed : notFound).push(long);
    }
    return { killed, notFound };
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, c] of this.open) if (c.touched < cutoff) this.open.delete(id);
  }
}

/**
 * The next documents up to `max`, stopping before the one that would take the batch past 16 MiB.
 * The whole candidate batch is sized at once first (almost always it fits); only a batch over the
 * cap is sized document by document to find where it stops.
 */
function takeBatch(docs: Doc[], from: number, max: number): Doc[] {
  const candidates = docs.slice(from, Math.min(docs.length, from + max));
  if (candidates.length <= 1 || calculateObjectSize({ b: candidates }) <= MAX_BATCH_BYTES) return candidates;
  const batch: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && batch.length < max; i++) {
    const size = calculateObjectSize(docs[i]);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(docs[i]);
    bytes += size;
  }
  return batch;
}
