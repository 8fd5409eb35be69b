import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyDuplicateKeys } from '../../server/db/errors.js';
import { testDbUri } from '../support/database.js';

// Presence stores who is connected with unordered bulk inserts and deletes (server/presence,
// recordConnections): an insert of someone already stored must count as done, and only that.

let client: MongoClient;
beforeAll(async () => {
  client = await MongoClient.connect(testDbUri(`bulk_dup_${randomUUID().slice(0, 8)}`));
});
afterAll(async () => {
  await client.close();
});

async function failureOf(write: Promise<unknown>): Promise<unknown> {
  try {
    await write;
  } catch (err) {
    return err;
  }
  throw new Error('the write did not fail');
}

describe('an unordered bulk write that meets documents already there', () => {
  it('writes everything else, and its error is recognised as nothing but duplicate keys', async () => {
    const coll = client.db().collection<{ _id: ObjectId; since: Date }>('presence_online');
    const [there, fresh, gone] = [new ObjectId(), new ObjectId(), new ObjectId()];
    await coll.insertMany([{ _id: there, since: new Date(0) }, { _id: gone, since: new Date(0) }]);
    const err = await failureOf(
      coll.bulkWrite(
        [
          { insertOne: { document: { _id: there, since: new Date() } } },
          { insertOne: { document: { _id: fresh, since: new Date() } } },
          { deleteOne: { filter: { _id: gone } } },
        ],
        { ordered: false },
      ),
    );
    expect(onlyDuplicateKeys(err)).toBe(true);
    const ids = (await coll.find({}).toArray()).map((d) => d._id.toHexString()).sort();
    expect(ids).toEqual([there.toHexString(), fresh.toHexString()].sort());
  });

  it('does not take any other failure for one', async () => {
    const coll = client.db().collection('counts');
    const [text, other] = [new ObjectId(), new ObjectId()];
    await coll.insertOne({ _id: text, n: 'not a number' });
    // One duplicate and one refused update: not "nothing but duplicates".
    const mixed = await failureOf(
      coll.bulkWrite([{ insertOne: { document: { _id: text, n: 1 } } }, { updateOne: { filter: { _id: text }, update: { $inc: { n: 1 } } } }, { insertOne: { document: { _id: other, n: 1 } } }], {
        ordered: false,
      }),
    );
    expect(onlyDuplicateKeys(mixed)).toBe(false);
    expect(onlyDuplicateKeys(new Error('connection reset'))).toBe(false);
    expect(onlyDuplicateKeys(undefined)).toBe(false);
  });
});
