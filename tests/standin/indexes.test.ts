import { MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('indexes');

async function caught(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (err) {
    return err as MongoServerError;
  }
  throw new Error('expected the operation to fail');
}

describe('unique indexes', () => {
  it('a duplicate key on a unique index is refused with code 11000, its keyPattern, keyValue and a mongod-style message', async () => {
    const coll = t.db.collection('users');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@city.example' });
    const err = await caught(coll.insertOne({ email: 'a@city.example' }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@city.example' });
    expect(err.message).toContain(`E11000 duplicate key error collection: ${t.db.databaseName}.users index: email_1 dup key: { email: "a@city.example" }`);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('a duplicate key on a compound unique index is refused with code 11000 and its keyPattern', async () => {
    const coll = t.db.collection('members');
    await coll.createIndex({ org: 1, login: 1 }, { unique: true });
    await coll.insertMany([
      { org: 'a', login: 'x' },
      { org: 'b', login: 'x' },
      { org: 'a', login: 'y' },
    ]);
    const err = await caught(coll.insertOne({ org: 'a', login: 'x', extra: true }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ org: 1, login: 1 });
    expect(err.keyValue).toEqual({ org: 'a', login: 'x' });
  });

  it('a duplicate _id is refused on the implicit _id_ index', async () => {
    const coll = t.db.collection('ids');
    const _id = new ObjectId();
    await coll.insertOne({ _id });
    const err = await caught(coll.insertOne({ _id }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ _id: 1 });
    expect(err.message).toContain('index: _id_ dup key');
  });

  it('an ordered insertMany stops at the first duplicate; an unordered one inserts the rest', async () => {
    const coll = t.db.collection('batches');
    await coll.createIndex({ code: 1 }, { unique: true });
    const ordered = await caught(coll.insertMany([{ code: 1 }, { code: 2 }, { code: 1 }, { code: 3 }]));
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    const bulk = ordered as unknown as MongoBulkWriteError;
    expect(bulk.insertedCount).toBe(2);
    expect(bulk.writeErrors).toMatchObject([{ index: 2, code: 11000 }]);
    expect(await coll.countDocuments()).toBe(2);

    const unordered = (await caught(coll.insertMany([{ code: 2 }, { code: 4 }, { code: 3 }, { code: 4 }], { ordered: false }))) as unknown as MongoBulkWriteError;
    expect(unordered.insertedCount).toBe(2);
    expect([...(Array.isArray(unordered.writeErrors) ? unordered.writeErrors : [unordered.writeErrors])].map((e) => e.index)).toEqual([0, 3]);
    expect((await coll.find().sort({ code: 1 }).toArray()).map((d) => d.code)).toEqual([1, 2, 3, 4]);
  });

  it('an update that would duplicate a unique key is refused and leaves the document as it was', async () => {
    const coll = t.db.collection('renames');
    await coll.createIndex({ name: 1 }, { unique: true });
    await coll.insertMany([{ name: 'a', v: 1 }, { name: 'b', v: 1 }]);
    const err = await caught(coll.updateOne({ name: 'b' }, { $set: { name: 'a', v: 2 } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ name: 'a' });
    expect(await coll.findOne({ name: 'b' }, { projection: { _id: 0 } })).toEqual({ name: 'b', v: 1 });
    const fine = await coll.updateOne({ name: 'b' }, { $set: { name: 'b', v: 3 } });
    expect(fine.modifiedCount).toBe(1);
  });

  it('an upsert that would duplicate a unique key is refused', async () => {
    const coll = t.db.collection('upsertdup');
    await coll.createIndex({ slug: 1 }, { unique: true });
    await coll.insertOne({ slug: 's', kind: 'a' });
    const err = await caught(coll.updateOne({ kind: 'b' }, { $set: { slug: 's' } }, { upsert: true }));
    expect(err.code).toBe(11000);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate that would duplicate a unique key fails with DuplicateKey, keyPattern and keyValue', async () => {
    const coll = t.db.collection('famdup');
    await coll.createIndex({ a: 1, b: 1 }, { unique: true });
    await coll.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }]);
    const err = await caught(coll.findOneAndUpdate({ b: 2 }, { $set: { b: 1 } }));
    expect(err).toMatchObject({ code: 11000, codeName: 'DuplicateKey', keyPattern: { a: 1, b: 1 }, keyValue: { a: 1, b: 1 } });
    const upsertErr = await caught(coll.findOneAndUpdate({ a: 1, b: 1, c: 1 }, { $set: { x: 1 } }, { upsert: true }));
    expect(upsertErr.code).toBe(11000);
    expect(await coll.countDocuments({ b: 2 })).toBe(1);
  });

  it('a sparse unique index lets many documents miss the field', async () => {
    const coll = t.db.collection('sparse');
    await coll.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ n: 1 }, { n: 2 }, { nick: 'z' }]);
    expect((await caught(coll.insertOne({ nick: 'z' }))).code).toBe(11000);
  });

  it('a unique index without sparse treats a missing field as null', async () => {
    const coll = t.db.collection('missing');
    await coll.createIndex({ nick: 1 }, { unique: true });
    await coll.insertOne({ n: 1 });
    const err = await caught(coll.insertOne({ n: 2 }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ nick: null });
  });

  it('a partial unique index only constrains documents matching its filter', async () => {
    const coll = t.db.collection('partial');
    await coll.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([
      { email: 'x', active: false },
      { email: 'x', active: false },
      { email: 'x', active: true },
    ]);
    expect((await caught(coll.insertOne({ email: 'x', active: true }))).code).toBe(11000);
  });

  it('a unique index on an array field is enforced per element', async () => {
    const coll = t.db.collection('multikey');
    await coll.createIndex({ aliases: 1 }, { unique: true });
    await coll.insertOne({ aliases: ['a', 'b'] });
    const err = await caught(coll.insertOne({ aliases: ['c', 'b'] }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ aliases: 'b' });
  });

  it('creating a unique index over existing duplicates fails with 11000', async () => {
    const coll = t.db.collection('latedup');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    expect((await caught(coll.createIndex({ k: 1 }, { unique: true }))).code).toBe(11000);
    const names = (await coll.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_']);
  });
});

describe('index catalogue', () => {
  it('listIndexes shows created indexes with their options; creating one twice is a no-op', async () => {
    const coll = t.db.collection('catalogue');
    expect(await coll.createIndex({ a: 1 })).toBe('a_1');
    expect(await coll.createIndex({ b: -1, c: 1 }, { unique: true, name: 'bc' })).toBe('bc');
    expect(await coll.createIndex({ a: 1 })).toBe('a_1');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'a_1', 'bc', 'at_1']);
    expect(indexes[2]).toMatchObject({ key: { b: -1, c: 1 }, unique: true });
    expect(indexes[3]).toMatchObject({ expireAfterSeconds: 3600 });
    expect(await coll.indexExists('bc')).toBe(true);
  });

  it('refuses an index whose name is taken by a different key', async () => {
    const coll = t.db.collection('conflict');
    await coll.createIndex({ a: 1 }, { name: 'idx' });
    const err = await caught(coll.createIndex({ b: 1 }, { name: 'idx' }));
    expect([85, 86]).toContain(err.code);
  });

  it('dropIndexes removes one index by name or key, or all but _id_, and the uniqueness goes with it', async () => {
    const coll = t.db.collection('dropping');
    await coll.createIndex({ u: 1 }, { unique: true });
    await coll.createIndex({ x: 1 });
    await coll.createIndex({ y: 1 });
    await coll.dropIndex('u_1');
    await coll.insertMany([{ u: 1 }, { u: 1 }]);
    await t.db.command({ dropIndexes: 'dropping', index: { x: 1 } });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'y_1']);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect((await caught(coll.dropIndex('nope'))).code).toBe(27);
    expect((await caught(coll.dropIndex('_id_'))).code).toBe(72);
  });

  it('listIndexes on a missing collection fails with NamespaceNotFound', async () => {
    const err = await caught(t.db.collection('never').listIndexes().toArray());
    expect(err.code).toBe(26);
  });
});
