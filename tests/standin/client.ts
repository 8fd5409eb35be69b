// Each test file gets its own database on the run's MongoDB (stand-in or real) through the
// real driver, and drops it afterwards.
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { testDbUri, uniqueDbName } from '../support/database';

export interface TestDb {
  client: MongoClient;
  db: Db;
  uri: string;
}

export function useTestDb(prefix: string): TestDb {
  const ctx = {} as TestDb;
  beforeAll(async () => {
    ctx.uri = testDbUri(uniqueDbName(prefix));
    ctx.client = await MongoClient.connect(ctx.uri, { serverSelectionTimeoutMS: 5000 });
    ctx.db = ctx.client.db();
  });
  afterAll(async () => {
    await ctx.db?.dropDatabase();
    await ctx.client?.close();
  });
  return ctx;
}
