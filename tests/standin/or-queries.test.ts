// A top-level $or returns exactly what a scan returns — the same as on an unindexed copy and
// the documents written out by hand — and, on the stand-in, explain shows it walking one index
// per branch (an OR stage) instead of scanning, unless some branch cannot use an index.
// The resync reads new messages with one such query: {$or: [{conversationId, seq: {$gt, $lte}}, …]}.
import { ObjectId, type Collection, type Document, type Filter, type Sort } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { useTestDb } from './client';

const standin = inject('dbKind') === 'standin';
const t = useTestDb('orq');

interface Twin {
  indexed: Collection;
  plain: Collection;
}

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
async function both(c: Twin, filter: Filter<Document>, sort?: Sort, limit = 0): Promise<Document[]> {
  const run = (coll: Collection) => {
    let cursor = coll.find(filter);
    if (sort) cursor = cursor.sort(sort);
    return cursor.limit(limit).toArray();
  };
  const [got, want] = await Promise.all([run(c.indexed), run(c.plain)]);
  if (sort) expect(got).toEqual(want);
  else expect([...got].sort(byId)).toEqual([...want].sort(byId));
  return got;
}

/** The explain's winning plan, reduced to its stage and, for an OR, each branch's index. */
async function planOf(coll: Collection, filter: Filter<Document>): Promise<{ stage: string; indexes: string[]; keys: number; docs: number; returned: number }> {
  const explained = await coll.find(filter).explain('executionStats');
  const fetch = explained.queryPlanner.winningPlan as Document;
  const or = fetch.inputStage?.stage === 'OR' ? (fetch.inputStage.inputStages as Document[]) : undefined;
  return {
    stage: or ? 'OR' : fetch.stage === 'COLLSCAN' ? 'COLLSCAN' : 'IXSCAN',
    indexes: or ? or.map((s) => s.indexName) : fetch.inputStage ? [fetch.inputStage.indexName] : [],
    keys: explained.executionStats.totalKeysExamined,
    docs: explained.executionStats.totalDocsExamined,
    returned: explained.executionStats.nReturned,
  };
}

const conv = [new ObjectId(), new ObjectId(), new ObjectId()];
const senders = [new ObjectId(), new ObjectId()];
const messages = Array.from({ length: 60 }, (_, i) => ({
  conversationId: conv[i % 3],
  seq: Math.floor(i / 3) + 1,
  senderId: senders[i % 2],
  clientMsgId: `m-${i}`,
  body: i % 5 === 0 ? 'five' : 'other',
}));
const seqs = (docs: Document[]) => docs.map((d) => `${conv.findIndex((c) => c.equals(d.conversationId))}:${d.seq}`).sort();

describe('a top-level $or returns exactly what a scan returns', () => {
  it('branches of equality + range on the same compound index return the documents inside each range', async () => {
    const c = await twin('messages', messages, [
      [{ conversationId: 1, seq: 1 }, { unique: true }],
      [{ senderId: 1, clientMsgId: 1 }, { unique: true }],
    ]);
    const filter = { $or: [{ conversationId: conv[0], seq: { $gt: 5, $lte: 8 } }, { conversationId: conv[1], seq: { $gt: 0, $lte: 1 } }] };
    expect(seqs(await both(c, filter))).toEqual(['0:6', '0:7', '0:8', '1:1']);
    const sorted = await both(c, filter, { seq: -1, conversationId: 1 }, 3);
    expect(sorted.map((d) => d.seq)).toEqual([8, 7, 6]);
    if (standin) expect(await planOf(c.indexed, filter)).toMatchObject({ stage: 'OR', indexes: ['conversationId_1_seq_1', 'conversationId_1_seq_1'], docs: 4, returned: 4 });
  });

  it('branches served by different indexes each use their own', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = { $or: [{ conversationId: conv[2], seq: { $gte: 19 } }, { senderId: senders[0], clientMsgId: 'm-7' }, { senderId: senders[1], clientMsgId: 'm-7' }] };
    expect(seqs(await both(c, filter))).toEqual(['1:3', '2:19', '2:20']);
    if (standin) {
      expect(await planOf(c.indexed, filter)).toMatchObject({
        stage: 'OR',
        indexes: ['conversationId_1_seq_1', 'senderId_1_clientMsgId_1', 'senderId_1_clientMsgId_1'],
        docs: 3,
        returned: 3,
      });
    }
  });

  it('a branch no index can serve makes the whole query a scan, with the same answer', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = { $or: [{ conversationId: conv[0], seq: 1 }, { body: 'five', seq: { $lt: 4 } }] };
    expect(seqs(await both(c, filter))).toEqual(['0:1', '2:2']);
    if (standin) expect(await planOf(c.indexed, filter)).toMatchObject({ stage: 'COLLSCAN', docs: 60, returned: 2 });
  });

  it('overlapping branches return each document once', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = {
      $or: [
        { conversationId: conv[1], seq: { $gte: 2, $lte: 6 } },
        { conversationId: conv[1], seq: { $gte: 4, $lte: 8 } },
        { conversationId: conv[1], seq: 5 },
      ],
    };
    const got = await both(c, filter);
    expect(seqs(got)).toEqual(['1:2', '1:3', '1:4', '1:5', '1:6', '1:7', '1:8']);
    if (standin) {
      const plan = await planOf(c.indexed, filter);
      expect(plan).toMatchObject({ stage: 'OR', docs: 7, returned: 7 });
      expect(plan.keys).toBe(5 + 5 + 1);
    }
  });

  it('a condition beside the $or applies to every branch and narrows each', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const notMine = { senderId: { $ne: senders[0] }, $or: [{ conversationId: conv[0], seq: { $gt: 10 } }, { conversationId: conv[2], seq: { $gt: 16 } }] };
    expect(seqs(await both(c, notMine))).toEqual(['0:12', '0:14', '0:16', '0:18', '0:20', '2:18', '2:20']);
    // The condition beside the $or pins a field, so each branch uses {senderId, clientMsgId}.
    const pinned = { senderId: senders[1], $or: [{ clientMsgId: 'm-1' }, { clientMsgId: { $in: ['m-3', 'm-4'] } }] };
    expect((await both(c, pinned)).map((d) => d.clientMsgId).sort()).toEqual(['m-1', 'm-3']);
    if (standin) {
      expect(await planOf(c.indexed, notMine)).toMatchObject({ stage: 'OR', docs: 10 + 4, returned: 7 });
      expect(await planOf(c.indexed, pinned)).toMatchObject({ stage: 'OR', indexes: ['senderId_1_clientMsgId_1', 'senderId_1_clientMsgId_1'], docs: 2 });
    }
  });

  it('an $or with a sort, skip and limit pages the union as a scan would', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = { $or: [{ conversationId: conv[0], seq: { $lte: 4 } }, { conversationId: conv[1], seq: { $gte: 18 } }] };
    const got = await both(c, filter, { seq: -1, conversationId: 1 }, 4);
    expect(got.map((d) => d.seq)).toEqual([20, 19, 18, 4]);
    const [indexed, plain] = await Promise.all([c.indexed, c.plain].map((coll) => coll.find(filter).sort({ seq: 1, conversationId: 1 }).skip(2).limit(3).toArray()));
    expect(indexed).toEqual(plain);
  });

  it('count and an aggregate $match with an $or (the unread count) agree with the unindexed copy', async () => {
    const c = { indexed: t.db.collection('messages'), plain: t.db.collection('messages_plain') };
    const filter = { senderId: { $ne: senders[1] }, $or: [{ conversationId: conv[0], seq: { $gt: 12 } }, { conversationId: conv[1], seq: { $gt: 17 } }] };
    const counts = await Promise.all([c.indexed, c.plain].map((coll) => coll.countDocuments(filter)));
    expect(counts).toEqual([6, 6]);
    const legacy = await Promise.all([c.indexed, c.plain].map((coll) => t.db.command({ count: coll.collectionName, query: filter })));
    expect(legacy.map((r) => r.n)).toEqual([6, 6]);
    const pipeline = [{ $match: filter }, { $group: { _id: '$conversationId', unread: { $sum: 1 } } }, { $sort: { unread: -1 } }];
    const [indexed, plain] = await Promise.all([c.indexed, c.plain].map((coll) => coll.aggregate(pipeline).toArray()));
    expect(indexed).toEqual(plain);
    expect(indexed.map((g) => g.unread)).toEqual([4, 2]);
    if (standin) {
      const counted = await t.db.command({ explain: { count: 'messages', query: filter }, verbosity: 'executionStats' });
      expect(counted.queryPlanner.winningPlan.inputStage.stage).toBe('OR');
      expect(counted.executionStats.totalDocsExamined).toBe(8 + 3);
      const aggregated = await c.indexed.aggregate(pipeline).explain('executionStats');
      expect(aggregated.queryPlanner.winningPlan.inputStage.stage).toBe('OR');
      expect(aggregated.executionStats.totalDocsExamined).toBe(8 + 3);
    }
  });

  it('updates and deletes through an $or change exactly the matching documents', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({ g: i % 2, n: i }));
    const c = await twin('writes', docs, [[{ g: 1, n: 1 }]]);
    const filter = { $or: [{ g: 0, n: { $lt: 6 } }, { g: 1, n: { $gt: 15 } }] };
    for (const coll of [c.indexed, c.plain]) {
      expect((await coll.updateMany(filter, { $set: { hit: true } })).modifiedCount).toBe(5);
      expect((await coll.deleteMany({ $or: [{ g: 0, n: 0 }, { g: 1, n: 19 }] })).deletedCount).toBe(2);
    }
    const got = await both(c, { hit: true }, { n: 1 });
    expect(got.map((d) => d.n)).toEqual([2, 4, 17]);
  });
});

describe.runIf(standin)('the stand-in plans an $or branch by branch', () => {
  const N = 20_000;
  const many = Array.from({ length: 200 }, () => new ObjectId());

  it('a 3-branch resync $or over 20,000 messages examines only the documents in its ranges, not 20,000', async () => {
    const coll = t.db.collection('big');
    await coll.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
    const docs: Document[] = [];
    for (let i = 0; i < N; i++) docs.push({ conversationId: many[i % many.length], seq: Math.floor(i / many.length) + 1, senderId: senders[i % 2] });
    await coll.insertMany(docs);
    const filter = {
      $or: [
        { conversationId: many[0], seq: { $gt: 5, $lte: 56 } },
        { conversationId: many[1], seq: { $gt: 0, $lte: 1 } },
        { conversationId: many[2], seq: { $gt: 90 } },
      ],
    };
    const plan = await planOf(coll, filter);
    expect(plan).toMatchObject({ stage: 'OR', indexes: Array(3).fill('conversationId_1_seq_1'), returned: 51 + 1 + 10 });
    expect(plan.docs).toBe(62);
    expect(plan.keys).toBe(62);
    expect(await coll.countDocuments(filter)).toBe(62);
  }, 180_000); // inserting 20,000 documents takes a while on a busy machine

  it('hundreds of branches (one per conversation) still walk the index', async () => {
    const coll = t.db.collection('big');
    const filter = { $or: many.map((conversationId) => ({ conversationId, seq: { $gt: 99 } })) };
    const plan = await planOf(coll, filter);
    expect(plan).toMatchObject({ stage: 'OR', returned: 200 });
    expect(plan.indexes).toHaveLength(200);
    expect(plan.docs).toBe(200);
    expect(plan.keys).toBe(200);
  });

  it('more than 1,000 branches are not planned: the query scans', async () => {
    // (On the 60-message collection: mingo matching 1,001 branches against 20,000 is slow.)
    const coll = t.db.collection('messages');
    const filter = { $or: Array.from({ length: 1001 }, (_, i) => ({ conversationId: conv[i % 3], seq: i + 1 })) };
    expect(await planOf(coll, filter)).toMatchObject({ stage: 'COLLSCAN', docs: 60, returned: 20 });
    const fewer = { $or: filter.$or.slice(0, 1000) };
    expect(await planOf(coll, fewer)).toMatchObject({ stage: 'OR', returned: 20 });
  });

  it('conditions beside the $or that narrow better than its branches keep the single-index plan', async () => {
    const coll = t.db.collection('big');
    const filter = { conversationId: many[3], seq: 7, $or: [{ conversationId: many[3] }, { conversationId: many[4] }] };
    const plan = await planOf(coll, filter);
    expect(plan).toMatchObject({ stage: 'IXSCAN', indexes: ['conversationId_1_seq_1'], docs: 1, returned: 1 });
  });
});
