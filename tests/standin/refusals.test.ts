// What the stand-in deliberately does not do must fail loudly, naming the command, rather
// than half-work. Only meaningful against the stand-in: a real replica set accepts these.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDbUri, uniqueDbName } from '../support/database';

const standin = inject('dbKind') === 'standin';

describe.runIf(standin)('the stand-in refuses what it does not support', () => {
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(testDbUri(uniqueDbName('refusals')));
  });
  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('refuses a transaction with CommandNotSupported and an error naming the command', async () => {
    const coll = client.db().collection('txn');
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await coll.insertOne({ a: 1 }, { session }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 115, codeName: 'CommandNotSupported' });
      expect((err as Error).message).toMatch(/transactions are not supported.*'insert'/);
      await session.abortTransaction().catch(() => {});
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments()).toBe(0);
  });

  it('refuses commitTransaction by name', async () => {
    const err = await client.db('admin').command({ commitTransaction: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 115 });
    expect((err as Error).message).toContain('commitTransaction');
  });

  it('refuses a $changeStream stage, naming it', async () => {
    const err = await client.db().collection('cs').aggregate([{ $changeStream: {} }]).toArray().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 115 });
    expect((err as Error).message).toContain('$changeStream');
  });

  it('answers an unknown command with CommandNotFound naming it', async () => {
    const err = await client.db().command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect((err as Error).message).toContain("'frobnicate'");
  });
});
