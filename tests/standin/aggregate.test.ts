import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('aggregate');

describe('aggregate', () => {
  it('runs $match, $group and $sort and returns a cursor', async () => {
    const sales = t.db.collection('sales');
    await sales.insertMany([
      { shop: 'a', amount: 10, day: new Date('2024-05-01') },
      { shop: 'b', amount: 5, day: new Date('2024-05-01') },
      { shop: 'a', amount: 7, day: new Date('2024-05-02') },
      { shop: 'c', amount: 1, day: new Date('2024-04-01') },
    ]);
    const totals = await sales
      .aggregate([
        { $match: { day: { $gte: new Date('2024-05-01') } } },
        { $group: { _id: '$shop', total: { $sum: '$amount' }, n: { $sum: 1 }, last: { $max: '$day' } } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { _id: 'a', total: 17, n: 2, last: new Date('2024-05-02') },
      { _id: 'b', total: 5, n: 1, last: new Date('2024-05-01') },
    ]);
  });

  it('hands out aggregate results in batches', async () => {
    const coll = t.db.collection('agg_many');
    await coll.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    const out = await coll.aggregate([{ $sort: { i: -1 } }, { $project: { _id: 0, i: 1 } }], { batchSize: 4 }).toArray();
    expect(out).toHaveLength(30);
    expect(out[0]).toEqual({ i: 29 });
  });

  it('joins another collection of the same database with $lookup', async () => {
    const users = t.db.collection('lk_users');
    const posts = t.db.collection('lk_posts');
    const { insertedIds } = await users.insertMany([{ name: 'ann' }, { name: 'bob' }]);
    await posts.insertMany([
      { author: insertedIds[0], title: 'one' },
      { author: insertedIds[0], title: 'two' },
      { author: insertedIds[1], title: 'three' },
    ]);
    const joined = await users
      .aggregate([
        { $lookup: { from: 'lk_posts', localField: '_id', foreignField: 'author', as: 'posts' } },
        { $project: { _id: 0, name: 1, count: { $size: '$posts' } } },
        { $sort: { name: 1 } },
      ])
      .toArray();
    expect(joined).toEqual([
      { name: 'ann', count: 2 },
      { name: 'bob', count: 1 },
    ]);
  });

  it('unwinds arrays and counts with countDocuments', async () => {
    const coll = t.db.collection('agg_unwind');
    await coll.insertMany([{ tags: ['a', 'b'] }, { tags: ['b'] }, { tags: [] }]);
    const byTag = await coll.aggregate([{ $unwind: '$tags' }, { $sortByCount: '$tags' }]).toArray();
    expect(byTag).toEqual([
      { _id: 'b', count: 2 },
      { _id: 'a', count: 1 },
    ]);
    expect(await coll.countDocuments({ tags: 'b' })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 1 })).toBe(1);
  });

  it('writes results to another collection with $out', async () => {
    const coll = t.db.collection('agg_src');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    await coll.aggregate([{ $group: { _id: '$g', n: { $sum: 1 } } }, { $out: 'agg_dst' }]).toArray();
    expect(await t.db.collection('agg_dst').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 2 },
      { _id: 2, n: 1 },
    ]);
  });

  it('aggregates an empty result for a collection that does not exist', async () => {
    expect(await t.db.collection('agg_none').aggregate([{ $match: {} }]).toArray()).toEqual([]);
  });
});
