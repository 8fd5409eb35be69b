import { MongoClient, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { testDbUri, uniqueDbName } from '../support/database';
import { useTestDb } from './client';

const t = useTestDb('catalog');

describe('collections and databases', () => {
  it('listCollections lists created collections, filters by name and supports nameOnly', async () => {
    await t.db.createCollection('alpha');
    await t.db.collection('beta').insertOne({ x: 1 });
    const all = await t.db.listCollections().toArray();
    expect(all.map((c) => c.name).sort()).toEqual(['alpha', 'beta']);
    expect(all[0]).toMatchObject({ type: 'collection' });
    const named = await t.db.listCollections({ name: 'beta' }, { nameOnly: true }).toArray();
    expect(named).toEqual([{ name: 'beta', type: 'collection' }]);
  });

  it('creating an existing collection fails with NamespaceExists', async () => {
    await t.db.createCollection('gamma');
    const err = await t.db.command({ create: 'gamma' }).catch((e: MongoServerError) => e);
    expect(err).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
  });

  it('drop removes a collection with its documents and indexes', async () => {
    const coll = t.db.collection('delta');
    await coll.createIndex({ k: 1 }, { unique: true });
    await coll.insertOne({ k: 1 });
    expect(await coll.drop()).toBe(true);
    expect((await t.db.listCollections({ name: 'delta' }).toArray()).length).toBe(0);
    await coll.insertOne({ k: 1 });
    await coll.insertOne({ k: 1 });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('renames a collection', async () => {
    await t.db.collection('old_name').insertOne({ v: 1 });
    await t.db.renameCollection('old_name', 'new_name');
    expect(await t.db.collection('new_name').countDocuments()).toBe(1);
    expect(await t.db.collection('old_name').countDocuments()).toBe(0);
  });

  it('dropDatabase removes every collection; databases are isolated from each other', async () => {
    const name = uniqueDbName('catalog_other');
    const client = await MongoClient.connect(testDbUri(name));
    try {
      const other = client.db();
      expect(other.databaseName).toBe(name);
      await other.collection('x').insertOne({ a: 1 });
      expect(await t.db.collection('x').countDocuments()).toBe(0);
      const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
      expect(databases.map((d) => d.name)).toContain(name);
      await other.dropDatabase();
      expect(await other.listCollections().toArray()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('answers ping and buildInfo', async () => {
    expect(await t.db.admin().ping()).toMatchObject({ ok: 1 });
    const info = await t.db.admin().buildInfo();
    expect(typeof info.version).toBe('string');
  });
});
