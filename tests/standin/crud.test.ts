import { Long, ObjectId, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('crud');

describe('inserting and finding', () => {
  it('assigns an ObjectId _id to a document inserted without one and returns it first', async () => {
    const coll = t.db.collection('ids');
    await coll.insertOne({ name: 'x' }, { forceServerObjectId: true });
    const doc = await coll.findOne({ name: 'x' });
    expect(doc?._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(doc ?? {})[0]).toBe('_id');
  });

  it('finds with a filter, sort, skip, limit and projection', async () => {
    const coll = t.db.collection('people');
    await coll.insertMany([
      { name: 'ann', age: 31, city: 'Lyon' },
      { name: 'bob', age: 25, city: 'Paris' },
      { name: 'cat', age: 40, city: 'Paris' },
      { name: 'dan', age: 19, city: 'Nice' },
      { name: 'eve', age: 35, city: 'Paris' },
    ]);
    const found = await coll
      .find({ city: 'Paris', age: { $gte: 20 } }, { projection: { _id: 0, name: 1, age: 1 } })
      .sort({ age: -1 })
      .skip(1)
      .limit(1)
      .toArray();
    expect(found).toEqual([{ name: 'eve', age: 35 }]);
    expect(await coll.find({ name: { $in: ['ann', 'dan'] } }, { projection: { age: 0, _id: 0 } }).sort({ name: 1 }).toArray()).toEqual([
      { name: 'ann', city: 'Lyon' },
      { name: 'dan', city: 'Nice' },
    ]);
    expect(await coll.countDocuments({ name: { $regex: /^[a-c]/ } })).toBe(3);
  });

  it('leaves out excluded fields and keeps the rest in stored order, nested values whole', async () => {
    const coll = t.db.collection('excluded');
    await coll.insertOne({ z: 1, grams: ['ab', 'bc'], a: { deep: [1, { x: 2 }] }, text: 'ab', m: null });
    const [doc] = await coll.find({}, { projection: { grams: 0, text: 0 } }).toArray();
    expect(Object.keys(doc!)).toEqual(['_id', 'z', 'a', 'm']);
    expect(doc).toMatchObject({ z: 1, a: { deep: [1, { x: 2 }] }, m: null });
    // The projected copy is not the stored document: a second read still has every field.
    expect(Object.keys((await coll.findOne({}))!)).toEqual(['_id', 'z', 'grams', 'a', 'text', 'm']);
    // Dotted exclusions still go through the general path.
    expect(await coll.findOne({}, { projection: { 'a.deep': 0, _id: 0, grams: 0, text: 0 } })).toEqual({ z: 1, a: {}, m: null });
  });

  it('matches and sorts ObjectIds and Dates in their natural order', async () => {
    const coll = t.db.collection('ordered');
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    const days = [new Date('2024-01-03'), new Date('2024-01-01'), new Date('2024-01-02')];
    await coll.insertMany(ids.map((_id, i) => ({ _id, at: days[i] })));
    expect((await coll.find().sort({ _id: -1 }).toArray()).map((d) => d._id.toHexString())).toEqual(
      [...ids].reverse().map((id) => id.toHexString()),
    );
    expect((await coll.find().sort({ at: 1 }).toArray()).map((d) => (d.at as Date).toISOString().slice(0, 10))).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
    ]);
    expect(await coll.countDocuments({ _id: { $gt: ids[0] } })).toBe(2);
    expect(await coll.countDocuments({ at: { $lt: new Date('2024-01-02T12:00:00Z') } })).toBe(2);
    expect(await coll.findOne({ _id: new ObjectId(ids[1].toHexString()) })).toMatchObject({ at: days[1] });
  });

  it('hands out large results in getMore batches through a real cursor', async () => {
    const coll = t.db.collection('many');
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ i })));
    // promoteLongs: false keeps cursor ids as Long, the type getMore requires.
    const raw = { promoteLongs: false } as const;
    const first = await t.db.command({ find: 'many', filter: {}, sort: { i: 1 }, batchSize: 3 }, raw);
    expect(first.cursor.firstBatch.map((d: Document) => d.i)).toEqual([0, 1, 2]);
    const id = first.cursor.id as Long;
    expect(id.isZero()).toBe(false);
    const second = await t.db.command({ getMore: id, collection: 'many', batchSize: 3 }, raw);
    expect(second.cursor.nextBatch.map((d: Document) => d.i)).toEqual([3, 4, 5]);
    const third = await t.db.command({ getMore: id, collection: 'many', batchSize: 3 }, raw);
    expect(third.cursor.nextBatch.map((d: Document) => d.i)).toEqual([6]);
    expect((third.cursor.id as Long).isZero()).toBe(true);
    await expect(t.db.command({ getMore: id, collection: 'many' })).rejects.toMatchObject({ code: 43 });
    expect(await coll.find().batchSize(2).toArray()).toHaveLength(7);
  });

  it('stops a batch before the document that would take it past 16 MiB, and hands out the rest by getMore', async () => {
    const coll = t.db.collection('big');
    const text = 'x'.repeat(5 * 1024 * 1024);
    for (let i = 0; i < 4; i++) await coll.insertOne({ i, text });
    const raw = { promoteLongs: false } as const;
    const first = await t.db.command({ find: 'big', filter: {}, sort: { i: 1 } }, raw);
    // Three documents of 5 MiB fit in 16 MiB; a fourth would not.
    expect(first.cursor.firstBatch.map((d: Document) => d.i)).toEqual([0, 1, 2]);
    const rest = await t.db.command({ getMore: first.cursor.id as Long, collection: 'big' }, raw);
    expect(rest.cursor.nextBatch.map((d: Document) => d.i)).toEqual([3]);
    expect(rest.cursor.nextBatch[0].text).toHaveLength(text.length);
  });

  it('hands out documents as they were when the cursor opened, whatever is written meanwhile', async () => {
    const coll = t.db.collection<{ i: number; tags: string[]; note: { by: string } }>('snapshot');
    await coll.insertMany(Array.from({ length: 4 }, (_, i) => ({ i, tags: ['a'], note: { by: 'ann' } })));
    const raw = { promoteLongs: false } as const;
    const first = await t.db.command({ find: 'snapshot', filter: {}, sort: { i: 1 }, batchSize: 2 }, raw);
    await coll.updateMany({}, { $push: { tags: 'b' }, $set: { 'note.by': 'bob' } });
    const rest = await t.db.command({ getMore: first.cursor.id as Long, collection: 'snapshot' }, raw);
    expect(rest.cursor.nextBatch).toEqual([
      expect.objectContaining({ i: 2, tags: ['a'], note: { by: 'ann' } }),
      expect.objectContaining({ i: 3, tags: ['a'], note: { by: 'ann' } }),
    ]);
    // …and the stored documents did change.
    expect(await coll.findOne({ i: 3 }, { projection: { _id: 0 } })).toEqual({ i: 3, tags: ['a', 'b'], note: { by: 'bob' } });
  });

  it('kills an open cursor on request', async () => {
    const coll = t.db.collection('killed');
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const first = await t.db.command({ find: 'killed', batchSize: 1 }, { promoteLongs: false });
    const reply = await t.db.command({ killCursors: 'killed', cursors: [first.cursor.id] });
    expect(reply.cursorsKilled).toHaveLength(1);
    await expect(t.db.command({ getMore: first.cursor.id, collection: 'killed' })).rejects.toMatchObject({ code: 43 });
  });

  it('counts and lists distinct values, unwinding arrays', async () => {
    const coll = t.db.collection('tags');
    await coll.insertMany([{ tags: ['b', 'a'] }, { tags: ['c'] }, { tags: 'a' }, { other: 1 }]);
    expect((await coll.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
    expect(await coll.estimatedDocumentCount()).toBe(4);
    const counted = await t.db.command({ count: 'tags', query: { tags: 'a' } });
    expect(counted.n).toBe(2);
  });
});

describe('updating', () => {
  it('applies $set on dotted paths, $inc, $unset, $min and $max', async () => {
    const coll = t.db.collection('ops');
    const { insertedId } = await coll.insertOne({ n: 5, lo: 5, hi: 5, gone: true, profile: { name: 'a' } });
    const res = await coll.updateOne(
      { _id: insertedId },
      { $set: { 'profile.city': 'Nantes' }, $inc: { n: 2 }, $unset: { gone: '' }, $min: { lo: 3 }, $max: { hi: 9 } },
    );
    expect(res).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({
      n: 7,
      lo: 3,
      hi: 9,
      profile: { name: 'a', city: 'Nantes' },
    });
    const unchanged = await coll.updateOne({ _id: insertedId }, { $max: { hi: 1 } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('creates missing fields last and missing parents, orders $max/$min across types, and leaves a missing $unset alone', async () => {
    const coll = t.db.collection('ops2');
    const { insertedId } = await coll.insertOne({ a: 1, at: new Date(1000), mixed: 5, list: [{ x: 1 }, { x: 2 }] });
    await coll.updateOne(
      { _id: insertedId },
      { $set: { 'deep.er.still': 'x', 'list.1.x': 9 }, $inc: { counter: 3 }, $max: { at: new Date(2000), mixed: 'text' }, $min: { fresh: 4 }, $unset: { 'no.such': '' } },
    );
    const doc = await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } });
    expect(doc).toEqual({ a: 1, at: new Date(2000), mixed: 'text', list: [{ x: 1 }, { x: 9 }], deep: { er: { still: 'x' } }, counter: 3, fresh: 4 });
    expect(Object.keys(doc!).slice(0, 4)).toEqual(['a', 'at', 'mixed', 'list']);
    // A $max below, a $min above: nothing changes.
    const none = await coll.updateOne({ _id: insertedId }, { $max: { at: new Date(1500) }, $min: { fresh: 10 } });
    expect(none).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('refuses an update whose paths overlap, and changes nothing', async () => {
    const coll = t.db.collection('ops3');
    const { insertedId } = await coll.insertOne({ p: { q: 1 } });
    await expect(coll.updateOne({ _id: insertedId }, { $set: { p: { q: 2 } }, $inc: { 'p.q': 1 } })).rejects.toMatchObject({ code: 40 });
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({ p: { q: 1 } });
    // A parent and its child with another path sorting between them ('-' sorts before '.'), where nothing on the way stops the direct path.
    await expect(coll.updateOne({ _id: insertedId }, { $set: { 'm.n': { o: 1 }, 'm.n-x': 6 }, $inc: { 'm.n.o': 1 } })).rejects.toMatchObject({ code: 40 });
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({ p: { q: 1 } });
  });

  it('applies $push with $each and $slice, $addToSet and $pull', async () => {
    const coll = t.db.collection<{ log: number[]; set: string[]; bag: number[]; fresh?: number[] }>('arrays');
    const { insertedId } = await coll.insertOne({ log: [1, 2], set: ['a'], bag: [1, 2, 3, 4] });
    await coll.updateOne(
      { _id: insertedId },
      { $push: { log: { $each: [3, 4, 5], $slice: -3 } }, $addToSet: { set: { $each: ['a', 'b'] } }, $pull: { bag: { $gte: 3 } } },
    );
    await coll.updateOne({ _id: insertedId }, { $push: { fresh: { $each: [1, 2, 3], $slice: 2 } } });
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({
      log: [3, 4, 5],
      set: ['a', 'b'],
      bag: [1, 2],
      fresh: [1, 2],
    });
  });

  it('starts a missing array for $addToSet with $each without duplicates', async () => {
    const coll = t.db.collection('addtoset');
    const { insertedId } = await coll.insertOne({});
    await coll.updateOne({ _id: insertedId }, { $addToSet: { tags: { $each: ['a', 'a', 'b'] } } });
    expect((await coll.findOne({ _id: insertedId }))?.tags).toEqual(['a', 'b']);
  });

  it('refuses $inc on a non-numeric field with TypeMismatch and leaves the document alone', async () => {
    const coll = t.db.collection('incstring');
    const { insertedId } = await coll.insertOne({ s: 'text', n: 1 });
    await expect(coll.updateOne({ _id: insertedId }, { $inc: { s: 1, n: 1 } })).rejects.toMatchObject({ code: 14 });
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({ s: 'text', n: 1 });
  });

  it('updates array elements through $, $[] and $[<id>] with arrayFilters', async () => {
    const coll = t.db.collection('positional');
    const { insertedId } = await coll.insertOne({
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 5 },
        { sku: 'c', qty: 10 },
      ],
    });
    await coll.updateOne({ _id: insertedId, 'items.sku': 'b' }, { $set: { 'items.$.qty': 6 } });
    await coll.updateOne({ _id: insertedId }, { $inc: { 'items.$[].qty': 1 } });
    await coll.updateOne({ _id: insertedId }, { $set: { 'items.$[big].big': true } }, { arrayFilters: [{ 'big.qty': { $gte: 7 } }] });
    const doc = await coll.findOne({ _id: insertedId });
    expect(doc?.items).toEqual([
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 7, big: true },
      { sku: 'c', qty: 11, big: true },
    ]);
  });

  it('upserts a document seeded from the filter and reports its index and _id', async () => {
    const coll = t.db.collection('upserts');
    const res = await coll.updateOne(
      { org: 'city', 'owner.id': 7, tags: { $eq: 'x' }, age: { $gt: 3 } },
      { $set: { name: 'new' }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedId).toBeInstanceOf(ObjectId);
    const doc = await coll.findOne({ _id: res.upsertedId! }, { projection: { _id: 0 } });
    expect(doc).toEqual({ org: 'city', owner: { id: 7 }, tags: 'x', name: 'new', created: true });

    const again = await coll.updateOne({ org: 'city' }, { $set: { name: 'again' }, $setOnInsert: { created: false } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect((await coll.findOne({ org: 'city' }))?.created).toBe(true);

    const raw = await t.db.command({
      update: 'upserts',
      updates: [
        { q: { org: 'city' }, u: { $set: { seen: 1 } }, upsert: true },
        { q: { _id: 'fixed' }, u: { $set: { v: 1 } }, upsert: true },
      ],
    });
    expect(raw).toMatchObject({ n: 2, nModified: 1, upserted: [{ index: 1, _id: 'fixed' }] });
  });

  it('replaces a whole document but keeps its _id', async () => {
    const coll = t.db.collection('replace');
    const { insertedId } = await coll.insertOne({ a: 1, b: 2 });
    await coll.replaceOne({ _id: insertedId }, { c: 3 });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
  });

  it('refuses to change _id in an update', async () => {
    const coll = t.db.collection('immutable');
    const { insertedId } = await coll.insertOne({ a: 1 });
    await expect(coll.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } })).rejects.toMatchObject({ code: 66 });
  });

  it('updates every matching document with updateMany and deletes one or many', async () => {
    const coll = t.db.collection('bulk');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }, { g: 2 }, { g: 2 }]);
    expect(await coll.updateMany({ g: 2 }, { $set: { seen: true } })).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    expect(await coll.deleteOne({ g: 2 })).toMatchObject({ deletedCount: 1 });
    expect(await coll.deleteMany({ g: { $in: [1, 2] } })).toMatchObject({ deletedCount: 4 });
    expect(await coll.countDocuments()).toBe(0);
  });

  it('applies an update pipeline', async () => {
    const coll = t.db.collection('pipeline');
    const { insertedId } = await coll.insertOne({ first: 'Ada', last: 'Lovelace' });
    await coll.updateOne({ _id: insertedId }, [{ $set: { full: { $concat: ['$first', ' ', '$last'] } } }]);
    expect((await coll.findOne({ _id: insertedId }))?.full).toBe('Ada Lovelace');
  });
});

describe('findAndModify', () => {
  it('returns the document before or after the update, honouring sort and projection', async () => {
    const coll = t.db.collection('fam');
    await coll.insertMany([
      { q: 'job', prio: 1, state: 'new' },
      { q: 'job', prio: 9, state: 'new' },
    ]);
    const before = await coll.findOneAndUpdate({ q: 'job', state: 'new' }, { $set: { state: 'taken' } }, { sort: { prio: -1 }, projection: { _id: 0 } });
    expect(before).toEqual({ q: 'job', prio: 9, state: 'new' });
    const after = await coll.findOneAndUpdate({ q: 'job', state: 'new' }, { $set: { state: 'taken' } }, { returnDocument: 'after', projection: { _id: 0, prio: 1, state: 1 } });
    expect(after).toEqual({ prio: 1, state: 'taken' });
    expect(await coll.findOneAndUpdate({ q: 'none' }, { $set: { x: 1 } })).toBeNull();
  });

  it('upserts and reports lastErrorObject like mongod', async () => {
    const coll = t.db.collection('famupsert');
    const res = await coll.findOneAndUpdate(
      { key: 'k1' },
      { $inc: { hits: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(res.value).toMatchObject({ key: 'k1', hits: 1 });
    expect(res.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(res.lastErrorObject?.upserted).toEqual(res.value?._id);
    const second = await coll.findOneAndUpdate({ key: 'k1' }, { $inc: { hits: 1 } }, { upsert: true, includeResultMetadata: true });
    expect(second.value).toMatchObject({ hits: 1 });
    expect(second.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
  });

  it('removes and returns a document with findOneAndDelete, and replaces with findOneAndReplace', async () => {
    const coll = t.db.collection('famdelete');
    await coll.insertMany([{ k: 1 }, { k: 2 }]);
    expect(await coll.findOneAndDelete({ k: 1 }, { projection: { _id: 0 } })).toEqual({ k: 1 });
    expect(await coll.findOneAndReplace({ k: 2 }, { k: 3, r: true }, { returnDocument: 'after', projection: { _id: 0 } })).toEqual({ k: 3, r: true });
    expect(await coll.countDocuments()).toBe(1);
  });
});
