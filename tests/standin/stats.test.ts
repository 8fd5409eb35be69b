// Collection and index sizes, as the search benchmark reports the n-gram index's size: the
// collStats command and the $collStats stage give mongod's fields, and an index over an array
// field grows with the documents added. (On the stand-in the sizes are estimates, see its
// README; on mongod they come from WiredTiger after the fsync checkpoint.)
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('stats');

function bigrams(text: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) out.add(text.slice(i, i + 2));
  return [...out];
}

const WORDS = ['会議', '資料', '予算', '確認', '提出', '明日', '担当', '申請', '書類', '修正', '共有', '報告', '議事録', '作成', '送付'];
function message(i: number): Document {
  let body = '';
  for (let k = 0; body.length < 30; k++) body += WORDS[(i * 7 + k * 11) % WORDS.length] + (k % 3 ? 'の' : 'を');
  return { seq: i, body, searchGrams: bigrams(body) };
}

async function stats(name: string): Promise<Document> {
  await t.client.db('admin').command({ fsync: 1 });
  return t.db.command({ collStats: name });
}

describe('collection and index sizes', () => {
  it('collStats gives count, size, storageSize and a size for every index, summing to totalIndexSize', async () => {
    const coll = t.db.collection('messages');
    await coll.createIndex({ searchGrams: 1, _id: -1 });
    await coll.insertMany(Array.from({ length: 500 }, (_, i) => message(i)));
    const s = await stats('messages');
    expect(s).toMatchObject({ ns: `${t.db.databaseName}.messages`, count: 500, nindexes: 2 });
    for (const field of ['size', 'storageSize', 'totalIndexSize', 'avgObjSize']) expect(s[field]).toBeGreaterThan(0);
    expect(Object.keys(s.indexSizes).sort()).toEqual(['_id_', 'searchGrams_1__id_-1']);
    const sum = Object.values(s.indexSizes as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(s.totalIndexSize).toBe(sum);
    // scale divides every size.
    const kb = await t.db.command({ collStats: 'messages', scale: 1024 });
    expect(kb.scaleFactor).toBe(1024);
    expect(kb.size).toBe(Math.floor(s.size / 1024));
  });

  it('$collStats storageStats reports the same sizes, and count the documents', async () => {
    await t.client.db('admin').command({ fsync: 1 });
    const [doc] = await t.db.collection('messages').aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    const s = await t.db.command({ collStats: 'messages' });
    expect(doc.count).toBe(500);
    expect(doc.storageStats).toMatchObject({ count: 500, nindexes: 2, size: s.size, totalIndexSize: s.totalIndexSize, indexSizes: s.indexSizes });
    const [projected] = await t.db
      .collection('messages')
      .aggregate([{ $collStats: { storageStats: {} } }, { $project: { _id: 0, grams: '$storageStats.indexSizes.searchGrams_1__id_-1' } }])
      .toArray();
    expect(projected.grams).toBe(s.indexSizes['searchGrams_1__id_-1']);
  });

  it('adding documents grows the index on their n-gram arrays, more than the _id index', async () => {
    const coll = t.db.collection('growing');
    await coll.createIndex({ searchGrams: 1, _id: -1 });
    await coll.insertOne(message(0));
    const before = await stats('growing');
    await coll.insertMany(Array.from({ length: 5000 }, (_, i) => message(i + 1)));
    const after = await stats('growing');
    const grown = (name: string) => after.indexSizes[name] - before.indexSizes[name];
    expect(grown('searchGrams_1__id_-1')).toBeGreaterThan(0);
    expect(grown('searchGrams_1__id_-1')).toBeGreaterThan(grown('_id_'));
    expect(after.count).toBe(5001);
    expect(after.size).toBeGreaterThan(before.size);
  });
});
