import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection, Model, Types } from 'mongoose';
import { Schema } from 'mongoose';
import { isDuplicateKey } from '../db/errors.js';
import type { Logger } from '../log.js';
import { searchFieldsOf } from '../search/search-fields.js';
import type { MessageDoc } from './message.model.js';

/** Messages read and written per step. */
const BATCH = 1000;

/** How far the backfill got: one document, `_id: 'messages'`. */
interface BackfillStateDoc {
  _id: string;
  /** The last message `_id` looked at, in `_id` order. */
  after?: Types.ObjectId;
  doneAt?: Date;
}

const stateSchema = new Schema<BackfillStateDoc>({ _id: String, after: Schema.Types.ObjectId, doneAt: Date }, { collection: 'searchbackfill', versionKey: false });

function stateModel(conn: Connection): Model<BackfillStateDoc> {
  return (conn.models.SearchBackfill as Model<BackfillStateDoc>) ?? conn.model<BackfillStateDoc>('SearchBackfill', stateSchema);
}

/**
 * Makes messages stored before search existed findable (server/search): walks `messages` in `_id`
 * order, a batch at a time, and gives each message that has none its search fields — one read and
 * one bulk write per 1,000 messages, the position kept in `searchbackfill` so a restart goes on
 * where it stopped, and once done it never walks again (one read at start). Each write is
 * conditional on the message still having no search fields and not being taken back, so an edit or
 * a take-back that happens meanwhile is never overwritten. Several processes may walk at once: the
 * conditions make that harmless.
 */
export class SearchBackfill {
  private readonly state: Model<BackfillStateDoc>;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    conn: Connection,
    private readonly messages: Model<MessageDoc>,
  ) {
    this.state = stateModel(conn);
  }

  /**
   * Awaited at start: reads where the backfill stands (one read) and, unless it is done, whether
   * any message is left to look at (one more); when none is, it is marked done there and then, so a
   * new or already-backfilled database costs nothing afterwards. Otherwise the walk goes on in the
   * background.
   */
  async start(logger: Logger): Promise<void> {
    const state = await this.state.findById('messages').lean();
    if (state?.doneAt) return;
    const next = await this.messages.collection.findOne(state?.after ? { _id: { $gt: state.after } } : {}, { projection: { _id: 1 }, sort: { _id: 1 } });
    if (!next) {
      await this.markDone();
      return;
    }
    this.running = this.run().then(
      () => undefined,
      (err: unknown) => logger.warn({ err }, 'making older messages searchable stopped; it goes on at the next start'),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async markDone(): Promise<void> {
    await this.save({ doneAt: new Date() });
  }

  /** Two processes starting at once may both insert the record: the loser's write is the same news. */
  private async save(set: Partial<BackfillStateDoc>): Promise<void> {
    await this.state.updateOne({ _id: 'messages' }, { $set: set }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }

  /** Walks to the end (or until stopped); resolves with how many messages it gave search fields. */
  async run(): Promise<number> {
    const state = await this.state.findById('messages').lean();
    if (state?.doneAt) return 0;
    let after = state?.after;
    let filled = 0;
    while (!this.stopped) {
      const docs = await this.messages.collection
        .find<Pick<MessageDoc, '_id' | 'body' | 'files' | 'deletedAt' | 'system' | 'searchText'>>(after ? { _id: { $gt: after } } : {}, {
          projection: { body: 1, 'files.name': 1, deletedAt: 1, system: 1, searchText: 1 },
          sort: { _id: 1 },
          limit: BATCH,
        })
        .toArray();
      if (docs.length === 0) {
        await this.markDone();
        return filled;
      }
      const writes: AnyBulkWriteOperation[] = docs
        .filter((d) => d.searchText === undefined && !d.deletedAt && !d.system)
        .map((d) => ({
          updateOne: {
            filter: { _id: d._id, searchText: { $exists: false }, deletedAt: { $exists: false } },
            update: { $set: searchFieldsOf(d.body, (d.files ?? []).map((f) => f.name)) },
          },
        }));
      if (writes.length) filled += (await this.messages.collection.bulkWrite(writes, { ordered: false })).modifiedCount;
      after = docs[docs.length - 1]!._id;
      await this.save({ after });
    }
    return filled;
  }
}
