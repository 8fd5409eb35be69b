// Queries that an index can serve return exactly the documents they should — the same as the
// same query on an unindexed copy of the collection, and the documents written out by hand.
// Nothing here depends on the stand-in: these pass on a real mongod too (where no sort is
// given, results are compared as sets, since mongod promises no order then).
import { ObjectId, type Collection, type Document, type Filter, type Sort } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('indexq');

interface Twin {
  indexed: Collection;
  plain: Collection;
}

/** The same documents in a collection with `indexes` and in one with only `_id`. */
async function twin(name: string, docs: Document[], indexes: Array<[Document, Document?]>): Promise<Twin> {
  const indexed = t.db.collection(name);
  const plain = t.db.collection(`${name}_plain`);
  for (const [key, options] of indexes) await indexed.createIndex(key, options ?? {});
  const withIds = docs.map((d) => ({ _id: new ObjectId(), ...d }));
  await indexed.insertMany(withIds.map((d) => ({ ...d })));
  await plain.insertMany(withIds.map((d) => ({ ...d })));
  return { indexed, plain };
}

const byId = (a: Document, b: Document) => String(a._id).localeCompare(String(b._id));

/** Runs the query on both; with a sort the order must agree, without one the set must. */
async function both(c: Twin, filter: Filter<Document>, sort?: Sort, limit = 0, skip = 0): Promise<Document[]> {
  const run = (coll: Collection) => {
    let cursor = coll.find(filter);
    if (sort) cursor = cursor.sort(sort);
    return cursor.skip(skip).limit(limit).toArray();
  };
  const [got, want] = await Promise.all([run(c.indexed), run(c.plain)]);
  if (sort) expect(got).toEqual(want);
  else expect([...got].sort(byId)).toEqual([...want].sort(byId));
  return got;
}

const conv = [new ObjectId(), new ObjectId()];
const messages = Array.from({ length: 40 }, (_, i) => ({
  _id: new ObjectId(),
  conversationId: conv[i % 2],
  seq: Math.floor(i / 2) + 1,
  createdAt: new Date(Date.UTC(2026, 3, 1, 9, 0, i)),
}));

describe('compound indexes: equality then a range or a sort', () => {
  it('an equality on the leading field and a range on the next return exactly the documents inside', async () => {
    const c = await twin('messages', messages, [[{ conversationId: 1, seq: 1 }, { unique: true }]]);
    const got = await both(c, { conversationId: conv[0], seq: { $gt: 3, $lte: 7 } }, { seq: 1 });
    expect(got.map((d) => d.seq)).toEqual([4, 5, 6, 7]);
    const open = await both(c, { conversationId: conv[1], seq: { $gte: 18 } }, { seq: 1 });
    expect(open.map((d) => d.seq)).toEqual([18, 19, 20]);
  });

  it('a page sorted either way with a limit (and a skip) holds the right documents in the right order', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    expect((await both(c, { conversationId: conv[0] }, { seq: -1 }, 3)).map((d) => d.seq)).toEqual([20, 19, 18]);
    expect((await both(c, { conversationId: conv[0] }, { seq: 1 }, 3)).map((d) => d.seq)).toEqual([1, 2, 3]);
    expect((await both(c, { conversationId: conv[1] }, { seq: -1 }, 2, 3)).map((d) => d.seq)).toEqual([17, 16]);
    expect((await both(c, { conversationId: conv[1], seq: { $lt: 10 } }, { seq: -1 }, 4)).map((d) => d.seq)).toEqual([9, 8, 7, 6]);
    expect((await both(c, { conversationId: conv[1], seq: { $gt: 10 } }, { seq: 1 }, 4)).map((d) => d.seq)).toEqual([11, 12, 13, 14]);
    // A condition the walk does not answer (createdAt) leaves out documents in the middle of the walk.
    const early = { $lt: new Date(Date.UTC(2026, 3, 1, 9, 0, 20)) };
    expect((await both(c, { conversationId: conv[0], seq: { $lt: 15 }, createdAt: early }, { seq: -1 }, 3, 1)).map((d) => d.seq)).toEqual([9, 8, 7]);
  });

  it('a descending index field serves both sort directions', async () => {
    const docs = Array.from({ length: 12 }, (_, i) => ({ owner: i % 3, rank: (i * 7) % 12 }));
    const c = await twin('ranked', docs, [[{ owner: 1, rank: -1 }]]);
    expect((await both(c, { owner: 1 }, { rank: -1 }, 2)).map((d) => d.rank)).toEqual([10, 7]);
    expect((await both(c, { owner: 1 }, { rank: 1 }, 2)).map((d) => d.rank)).toEqual([1, 4]);
    expect((await both(c, { owner: 2, rank: { $lt: 8 } }, { rank: -1 })).map((d) => d.rank)).toEqual([5, 2]);
  });

  it('ties on the sort field keep every tied document that belongs in the page', async () => {
    const docs = Array.from({ length: 10 }, (_, i) => ({ g: 'x', score: i < 6 ? 1 : 2, n: i }));
    const c = await twin('ties', docs, [[{ g: 1, score: 1 }]]);
    const page = await both(c, { g: 'x' }, { score: 1, n: -1 }, 4);
    expect(page.map((d) => d.n)).toEqual([5, 4, 3, 2]);
    expect((await both(c, { g: 'x' }, { score: -1, n: 1 }, 5)).map((d) => d.n)).toEqual([6, 7, 8, 9, 0]);
  });
});

describe('multikey indexes and $in', () => {
  const people = Array.from({ length: 6 }, () => new ObjectId());
  const rooms = [
    { name: 'a', memberIds: [people[0], people[1]], updatedAt: new Date(Date.UTC(2026, 0, 1)) },
    { name: 'b', memberIds: [people[1], people[2], people[3]], updatedAt: new Date(Date.UTC(2026, 0, 3)) },
    { name: 'c', memberIds: [people[1]], updatedAt: new Date(Date.UTC(2026, 0, 2)) },
    { name: 'd', memberIds: [], updatedAt: new Date(Date.UTC(2026, 0, 4)) },
    { name: 'e', memberIds: people[4], updatedAt: new Date(Date.UTC(2026, 0, 5)) },
  ];

  it('an equality on an array field finds every document whose array holds the value, once', async () => {
    const c = await twin('rooms', rooms, [[{ memberIds: 1 }], [{ memberIds: 1, updatedAt: -1 }]]);
    expect((await both(c, { memberIds: people[1] })).map((d) => d.name).sort()).toEqual(['a', 'b', 'c']);
    expect((await both(c, { memberIds: people[4] })).map((d) => d.name)).toEqual(['e']);
    expect(await both(c, { memberIds: people[5] })).toEqual([]);
    expect((await both(c, { memberIds: people[1] }, { updatedAt: -1 }, 2)).map((d) => d.name)).toEqual(['b', 'c']);
    expect((await both(c, { memberIds: { $in: [people[0], people[3]] } })).map((d) => d.name).sort()).toEqual(['a', 'b']);
    expect(await c.indexed.countDocuments({ memberIds: people[1] })).toBe(3);
  });

  it('$in on a plain field returns the documents holding any of the values', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const got = await both(c, { conversationId: conv[0], seq: { $in: [2, 5, 9, 100] } }, { seq: 1 });
    expect(got.map((d) => d.seq)).toEqual([2, 5, 9]);
    const across = await both(c, { conversationId: { $in: conv }, seq: { $in: [1, 2] } });
    expect(across).toHaveLength(4);
  });
});

describe('ranges on dates and ObjectIds, mixed types, null and missing', () => {
  it('a date range and an ObjectId range return exactly the documents inside', async () => {
    const c = await twin('dated', messages, [[{ createdAt: 1 }], [{ conversationId: 1, _id: 1 }]]);
    const from = new Date(Date.UTC(2026, 3, 1, 9, 0, 10));
    const to = new Date(Date.UTC(2026, 3, 1, 9, 0, 15));
    const got = await both(c, { createdAt: { $gte: from, $lt: to } }, { createdAt: 1 });
    expect(got.map((d) => d.createdAt)).toEqual([10, 11, 12, 13, 14].map((s) => new Date(Date.UTC(2026, 3, 1, 9, 0, s))));
    const ids = messages.map((m) => m._id).sort((a, b) => a.toHexString().localeCompare(b.toHexString()));
    expect((await both(c, { _id: { $gt: ids[35] } }, { _id: 1 })).map((d) => d._id)).toEqual(ids.slice(36));
    expect((await both(c, { _id: { $lte: ids[2] } }, { _id: -1 })).map((d) => d._id)).toEqual(ids.slice(0, 3).reverse());
  });

  const mixed = [
    { k: 1, v: 3 },
    { k: 2, v: 'a' },
    { k: 3, v: null },
    { k: 4, v: 1 },
    { k: 5, v: new Date(Date.UTC(2026, 0, 1)) },
    { k: 6, v: 'b' },
    { k: 7 },
    { k: 8, v: 2 },
    { k: 9, v: true },
  ];

  it('a range compares only within the operand type, as mongod brackets types', async () => {
    const c = await twin('mixed', mixed, [[{ v: 1 }]]);
    expect((await both(c, { v: { $gt: 1 } }, { v: 1 })).map((d) => d.k)).toEqual([8, 1]);
    expect((await both(c, { v: { $gte: 'a' } }, { v: -1 })).map((d) => d.k)).toEqual([6, 2]);
    expect((await both(c, { v: { $lt: new Date(Date.UTC(2027, 0, 1)) } })).map((d) => d.k)).toEqual([5]);
    expect((await both(c, { v: { $in: [1, 'b', true] } })).map((d) => d.k).sort()).toEqual([4, 6, 9]);
  });

  it('null matches both null and a missing field; sorting puts both first', async () => {
    const c = { indexed: t.db.collection('mixed'), plain: t.db.collection('mixed_plain') };
    expect((await both(c, { v: null })).map((d) => d.k).sort()).toEqual([3, 7]);
    expect((await both(c, { v: { $in: [null, 3] } })).map((d) => d.k).sort()).toEqual([1, 3, 7]);
    const first = await c.indexed.find({}).sort({ v: 1 }).limit(5).toArray();
    expect(first.map((d) => d.v ?? null)).toEqual([null, null, 1, 2, 3]);
    const last = await c.indexed.find({}).sort({ v: -1 }).limit(3).toArray();
    expect(last.map((d) => d.k)).toEqual([5, 9, 6]);
  });
});

describe('sparse and partial indexes', () => {
  const docs = [
    { k: 1, s: 5, score: 30 },
    { k: 2, score: 5 },
    { k: 3, s: null, score: 15 },
    { k: 4, s: 7, score: 25 },
    { k: 5, s: 5 },
  ];

  it('a sparse index still leaves the documents without the field findable', async () => {
    const c = await twin('sparse', docs, [[{ s: 1 }, { sparse: true }]]);
    expect((await both(c, { s: 5 })).map((d) => d.k).sort()).toEqual([1, 5]);
    expect((await both(c, { s: { $gt: 5 } })).map((d) => d.k)).toEqual([4]);
    expect((await both(c, { s: null })).map((d) => d.k).sort()).toEqual([2, 3]);
    const sorted = await c.indexed.find({}).sort({ s: 1, k: 1 }).limit(3).toArray();
    expect(sorted.map((d) => d.k)).toEqual([2, 3, 1]);
  });

  it('a partial index answers the queries inside its filter, and the others still see every document', async () => {
    const c = await twin('partial', docs, [[{ score: 1 }, { partialFilterExpression: { score: { $gt: 10 } } }]]);
    expect((await both(c, { score: { $gt: 10 } }, { score: 1 })).map((d) => d.k)).toEqual([3, 4, 1]);
    expect((await both(c, { score: 25 })).map((d) => d.k)).toEqual([4]);
    expect((await both(c, { score: 5 })).map((d) => d.k)).toEqual([2]);
    expect((await both(c, { score: { $lt: 20 } }, { score: 1 })).map((d) => d.k)).toEqual([2, 3]);
  });

  it('a null equality on a partial index field still finds the documents without the field', async () => {
    const c = await twin('partialExists', [{ k: 1, tag: null }, { k: 2 }, { k: 3, tag: 'x' }], [[{ tag: 1 }, { partialFilterExpression: { tag: { $exists: true } } }]]);
    expect((await both(c, { tag: null })).map((d) => d.k).sort()).toEqual([1, 2]);
    expect((await both(c, { tag: 'x', k: { $gt: 0 } })).map((d) => d.k)).toEqual([3]);
  });
});

describe('writes keep the index in step', () => {
  it('an update that moves a document within the index is found at its new place only', async () => {
    const c = await twin('moving', messages.slice(0, 10), [[{ conversationId: 1, seq: 1 }]]);
    for (const coll of [c.indexed, c.plain]) {
      await coll.updateOne({ conversationId: conv[0], seq: 2 }, { $set: { seq: 50 } });
      await coll.updateMany({ conversationId: conv[1], seq: { $gte: 4 } }, { $inc: { seq: 100 } });
      await coll.findOneAndUpdate({ conversationId: conv[0] }, { $set: { seq: 0 } }, { sort: { seq: -1 } });
    }
    expect((await both(c, { conversationId: conv[0] }, { seq: 1 })).map((d) => d.seq)).toEqual([0, 1, 3, 4, 5]);
    expect((await both(c, { conversationId: conv[1] }, { seq: -1 }, 2)).map((d) => d.seq)).toEqual([105, 104]);
    expect(await both(c, { conversationId: conv[0], seq: 50 })).toEqual([]);
    expect((await both(c, { conversationId: conv[1], seq: { $gt: 100 } })).map((d) => d.seq).sort()).toEqual([104, 105]);
  });

  it('deleted documents leave the index; the rest are still found', async () => {
    const c = await twin('deleting', messages, [[{ conversationId: 1, seq: 1 }, { unique: true }]]);
    for (const coll of [c.indexed, c.plain]) {
      await coll.deleteMany({ conversationId: conv[0], seq: { $gt: 15 } });
      await coll.deleteOne({ conversationId: conv[1], seq: 1 });
      await coll.findOneAndDelete({ conversationId: conv[1] }, { sort: { seq: -1 } });
    }
    expect((await both(c, { conversationId: conv[0] }, { seq: -1 }, 2)).map((d) => d.seq)).toEqual([15, 14]);
    expect((await both(c, { conversationId: conv[1] }, { seq: 1 }, 2)).map((d) => d.seq)).toEqual([2, 3]);
    expect(await c.indexed.countDocuments({ conversationId: conv[1] })).toBe(18);
    // The freed keys can be taken again without a duplicate-key error.
    await c.indexed.insertOne({ conversationId: conv[0], seq: 16 });
    expect(await c.indexed.countDocuments({ conversationId: conv[0], seq: { $gte: 15 } })).toBe(2);
  });

  it('count, distinct and aggregate over an indexed filter agree with the unindexed copy', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = { conversationId: conv[1], seq: { $gt: 5 } };
    expect(await c.indexed.countDocuments(filter)).toBe(15);
    expect(await c.indexed.countDocuments(filter)).toBe(await c.plain.countDocuments(filter));
    const pipeline = [{ $match: { conversationId: conv[0] } }, { $sort: { seq: -1 } }, { $limit: 3 }, { $project: { _id: 0, seq: 1 } }];
    expect(await c.indexed.aggregate(pipeline).toArray()).toEqual([{ seq: 20 }, { seq: 19 }, { seq: 18 }]);
    expect((await c.indexed.distinct('seq', { conversationId: conv[0], seq: { $lte: 3 } }))).toEqual([1, 2, 3]);
  });
});

describe('exclusive range bounds', () => {
  it('$gt/$lt leave out every document holding the bound value, on ascending and descending fields followed by more fields', async () => {
    const docs = Array.from({ length: 30 }, (_, i) => ({ g: i % 2, v: i % 5, n: i }));
    const c = await twin('exclusive', docs, [[{ g: 1, v: -1, n: 1 }], [{ v: 1, n: -1 }]]);
    expect((await both(c, { g: 0, v: { $gt: 1, $lt: 4 } }, { n: 1 })).map((d) => d.v)).toEqual([2, 3, 2, 3, 2, 3]);
    expect((await both(c, { g: 1, v: { $gt: 3 } }, { v: -1, n: 1 })).map((d) => d.n)).toEqual([9, 19, 29]);
    expect((await both(c, { g: 1, v: { $lt: 1 } }, { v: 1, n: -1 }, 2)).map((d) => d.n)).toEqual([25, 15]);
    expect((await both(c, { v: { $gt: 2, $lte: 3 } }, { n: -1 })).map((d) => d.n)).toEqual([28, 23, 18, 13, 8, 3]);
    expect(await both(c, { v: { $gt: 2, $lt: 3 } })).toEqual([]);
  });
});

describe('conditions the index walk answers are not lost when mingo skips them', () => {
  const people = Array.from({ length: 30 }, () => new ObjectId());
  const rows = people.flatMap((userId, i) => [
    { userId, state: i % 3 === 0 ? 'on' : 'off', at: new Date(Date.UTC(2026, 3, 1, i)), tags: i % 2 ? ['a', 'b'] : ['c'] },
    ...(i % 5 === 0 ? [{ userId: null, state: 'on', at: new Date(Date.UTC(2026, 3, 2, i)), tags: [] }] : []),
  ]);

  it('an $in over many ids, an equality and a lone $eq return exactly the matching documents', async () => {
    const c = await twin('pres', rows, [[{ userId: 1 }], [{ userId: 1, state: 1 }], [{ tags: 1 }], [{ at: 1 }]]);
    const some = people.filter((_, i) => i % 4 === 0);
    expect(await both(c, { userId: { $in: some } })).toHaveLength(some.length);
    expect(await both(c, { userId: { $in: some }, state: 'on' })).toHaveLength(some.filter((_, k) => (k * 4) % 3 === 0).length);
    expect(await both(c, { userId: { $eq: people[3] }, state: { $eq: 'on' } })).toHaveLength(1);
    expect(await both(c, { at: { $in: [new Date(Date.UTC(2026, 3, 1, 2)), new Date(Date.UTC(2026, 3, 1, 7))] } })).toHaveLength(2);
  });

  it('a condition the walk does not answer exactly (null, arrays, other operators beside $in, a second condition in $and) still filters', async () => {
    const c = { indexed: t.db.collection('pres'), plain: t.db.collection('pres_plain') };
    expect(await both(c, { userId: { $in: [null, people[0]] } })).toHaveLength(7);
    expect(await both(c, { tags: { $in: ['a'] } })).toHaveLength(15);
    expect(await both(c, { userId: { $in: people.slice(0, 6), $ne: people[2] } })).toHaveLength(5);
    expect(await both(c, { userId: { $in: people.slice(0, 6) }, $and: [{ userId: { $in: people.slice(4, 10) } }] })).toHaveLength(2);
  });
});

describe('batched inserts keep every index in step', () => {
  it('an ordered insertMany stopped by a duplicate key leaves the documents before it findable through every index', async () => {
    const coll = t.db.collection('batched');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.createIndex({ tags: 1, _id: -1 });
    await coll.createIndex({ n: -1 });
    const docs = Array.from({ length: 50 }, (_, n) => ({ code: n === 30 ? 'c-3' : `c-${n}`, n, tags: [`t${n % 4}`, `u${n % 3}`] }));
    await expect(coll.insertMany(docs)).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({})).toBe(30);
    expect((await coll.find({ tags: 't1' }).sort({ _id: -1 }).toArray()).map((d) => d.n)).toEqual([29, 25, 21, 17, 13, 9, 5, 1]);
    expect((await coll.find({ n: { $gte: 27 } }).sort({ n: -1 }).toArray()).map((d) => d.n)).toEqual([29, 28, 27]);
    // An unordered batch goes on past the duplicate; its later documents are indexed too.
    await expect(coll.insertMany(docs.slice(30), { ordered: false })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ tags: { $all: ['t1', 'u1'] } })).toBe(docs.filter((d) => d.n !== 30 && d.n % 4 === 1 && d.n % 3 === 1).length);
    expect((await coll.find({ tags: 'u2' }).sort({ _id: -1 }).limit(3).toArray()).map((d) => d.n)).toEqual([47, 44, 41]);
  });
});

describe('updates: an index answers the same after updates that touch its fields and after ones that do not', () => {
  it('multikey, sparse and partial indexes follow every kind of update', async () => {
    const people = [new ObjectId(), new ObjectId(), new ObjectId()];
    const c = await twin(
      'upd',
      [
        { name: 'g1', memberIds: [people[0], people[1]], lastMessageAt: new Date(1), score: 3 },
        { name: 'g2', memberIds: [people[1], people[2]], lastMessageAt: new Date(2), nick: null, score: 9 },
        { name: 'g3', memberIds: [people[2]], lastMessageAt: new Date(3), nick: 'x' },
      ],
      [[{ memberIds: 1 }], [{ nick: 1 }, { sparse: true }], [{ score: 1 }, { partialFilterExpression: { score: { $gt: 5 } } }], [{ 'meta.tag': 1 }]],
    );
    const update = async (filter: Filter<Document>, change: Document) => {
      for (const coll of [c.indexed, c.plain]) await coll.updateMany(filter, change);
    };
    // Fields no index holds: the entries stay, and still find the documents.
    await update({}, { $set: { lastMessageAt: new Date(10) }, $inc: { messageCount: 1 } });
    expect((await both(c, { memberIds: people[1] }, { name: 1 })).map((d) => d.name)).toEqual(['g1', 'g2']);
    // A member leaves and one joins: the multikey entries change.
    await update({ name: 'g1' }, { $pull: { memberIds: people[1] } });
    await update({ name: 'g3' }, { $push: { memberIds: people[0] } });
    expect((await both(c, { memberIds: people[1] }, { name: 1 })).map((d) => d.name)).toEqual(['g2']);
    expect((await both(c, { memberIds: people[0] }, { name: 1 })).map((d) => d.name)).toEqual(['g1', 'g3']);
    // Missing becomes null and null becomes missing: a sparse index tells them apart.
    await update({ name: 'g1' }, { $set: { nick: null } });
    await update({ name: 'g2' }, { $unset: { nick: '' } });
    expect((await both(c, { nick: null }, { name: 1 })).map((d) => d.name)).toEqual(['g1', 'g2']);
    expect((await both(c, { nick: { $exists: true } }, { name: 1 })).map((d) => d.name)).toEqual(['g1', 'g3']);
    // In and out of a partial index's filter.
    await update({ name: 'g1' }, { $set: { score: 7 } });
    await update({ name: 'g2' }, { $set: { score: 2 } });
    expect((await both(c, { score: { $gt: 5 } }, { name: 1 })).map((d) => d.name)).toEqual(['g1']);
    // A dotted key field appears, then changes while a sibling field changes alone.
    await update({ name: 'g3' }, { $set: { meta: { tag: 'a', other: 1 } } });
    await update({ name: 'g3' }, { $set: { 'meta.other': 2 } });
    expect((await both(c, { 'meta.tag': 'a' })).map((d) => d.name)).toEqual(['g3']);
    await update({ name: 'g3' }, { $set: { 'meta.tag': 'b' } });
    expect(await both(c, { 'meta.tag': 'a' })).toEqual([]);
    expect((await both(c, { 'meta.tag': 'b' })).map((d) => d.name)).toEqual(['g3']);
  });
});
