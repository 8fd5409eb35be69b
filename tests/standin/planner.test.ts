// The stand-in's planner walks an index instead of scanning, as explain shows with the same
// fields mongod reports (the chosen index, totalKeysExamined, totalDocsExamined). Only
// meaningful against the stand-in: mongod's plans and counts differ in detail.
import { ObjectId, type Document } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { useTestDb } from './client';

const standin = inject('dbKind') === 'standin';
const t = useTestDb('planner');

/** The IXSCAN stage of an explain (wherever it sits), or undefined for a collection scan. */
function ixscan(plan: Document): Document | undefined {
  if (plan.stage === 'IXSCAN') return plan;
  return plan.inputStage ? ixscan(plan.inputStage) : undefined;
}

const conversationId = new ObjectId();
const otherConversation = new ObjectId();
const senders = [new ObjectId(), new ObjectId(), new ObjectId()];
const N = 20_000;

describe.runIf(standin)('the stand-in planner', () => {
  it('a 50-message page out of 20,000 walks the {conversationId, seq} index and examines 51 documents, not 20,000', async () => {
    const messages = t.db.collection('messages');
    await messages.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
    await messages.createIndex({ senderId: 1, clientMsgId: 1 }, { unique: true });
    const docs: Document[] = [];
    for (let seq = 1; seq <= N; seq++) {
      const senderId = senders[seq % senders.length];
      docs.push({ conversationId: seq % 10 === 0 ? otherConversation : conversationId, seq, senderId, clientMsgId: `c-${seq}`, body: 'x' });
    }
    await messages.insertMany(docs);

    const page = messages.find({ conversationId }).sort({ seq: -1 }).limit(51);
    const explained = await page.explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)).toMatchObject({ indexName: 'conversationId_1_seq_1', direction: 'backward' });
    expect(explained.executionStats.totalDocsExamined).toBe(51);
    expect(explained.executionStats.totalKeysExamined).toBe(51);
    expect(explained.executionStats.nReturned).toBe(51);
    const got = await messages.find({ conversationId }).sort({ seq: -1 }).limit(51).toArray();
    expect(got[0].seq).toBe(N - 1);
    expect(got).toHaveLength(51);
  }, 180_000); // inserting 20,000 documents takes a while on a busy machine

  it('a page after a seq walks forward from that seq', async () => {
    const messages = t.db.collection('messages');
    const explained = await messages.find({ conversationId, seq: { $gt: 10_000 } }).sort({ seq: 1 }).limit(51).explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)).toMatchObject({ indexName: 'conversationId_1_seq_1', direction: 'forward' });
    // The other conversation's messages sit under another prefix of the index: never examined.
    expect(explained.executionStats.totalDocsExamined).toBe(51);
  });

  it('the idempotency lookup {senderId, clientMsgId} examines one document however many are stored', async () => {
    const messages = t.db.collection('messages');
    const explained = await messages.find({ senderId: senders[1], clientMsgId: 'c-7' }).explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)).toMatchObject({ indexName: 'senderId_1_clientMsgId_1' });
    expect(explained.executionStats).toMatchObject({ totalDocsExamined: 1, totalKeysExamined: 1, nReturned: 1 });
  });

  it('an $in of 3,000 ids (the batched session checks after a restart) walks the index and examines only those documents', async () => {
    const people = t.db.collection('people');
    const ids = Array.from({ length: 6_000 }, () => new ObjectId());
    await people.insertMany(ids.map((_id, i) => ({ _id, n: i })));
    const wanted = ids.filter((_, i) => i % 2 === 0);
    const query = { _id: { $in: wanted } };
    const explained = await people.find(query).explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)).toMatchObject({ indexName: '_id_' });
    expect(explained.executionStats).toMatchObject({ totalDocsExamined: 3_000, nReturned: 3_000 });
    const got = await people.find(query).toArray();
    expect(got.map((d) => d.n).sort((a, b) => a - b)).toEqual(wanted.map((_, i) => i * 2));
  });

  it('count and aggregate go through the index too', async () => {
    const messages = t.db.collection('messages');
    const counted = await t.db.command({ explain: { count: 'messages', query: { conversationId: otherConversation } }, verbosity: 'executionStats' });
    expect(ixscan(counted.queryPlanner.winningPlan)?.indexName).toBe('conversationId_1_seq_1');
    expect(counted.executionStats.totalDocsExamined).toBe(N / 10);
    const aggregated = await messages
      .aggregate([{ $match: { conversationId } }, { $sort: { seq: -1 } }, { $limit: 5 }])
      .explain('executionStats');
    expect(aggregated.executionStats.totalDocsExamined).toBe(5);
  });

  it('a filter no index can serve scans the collection', async () => {
    const explained = await t.db.collection('messages').find({ body: 'x' }).limit(1).explain('executionStats');
    expect(explained.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect(explained.executionStats.totalDocsExamined).toBe(N);
  });

  it('without a sort, documents found through an index come back in insertion order, as a scan returns them', async () => {
    const coll = t.db.collection('natural');
    await coll.createIndex({ g: 1, rank: 1 });
    await coll.insertMany([5, 1, 4, 2, 3].map((rank) => ({ g: 'a', rank })));
    const explained = await coll.find({ g: 'a', rank: { $gte: 2 } }).explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)?.indexName).toBe('g_1_rank_1');
    expect((await coll.find({ g: 'a', rank: { $gte: 2 } }).toArray()).map((d) => d.rank)).toEqual([5, 4, 2, 3]);
  });

  it('a multikey index serves an equality on the array field but not a sort on it', async () => {
    const rooms = t.db.collection('rooms');
    await rooms.createIndex({ memberIds: 1 });
    await rooms.insertMany([{ memberIds: [1, 2] }, { memberIds: [2, 3] }, { memberIds: [4] }]);
    const eq = await rooms.find({ memberIds: 2 }).explain('executionStats');
    expect(ixscan(eq.queryPlanner.winningPlan)).toMatchObject({ indexName: 'memberIds_1', isMultiKey: true });
    expect(eq.executionStats.totalDocsExamined).toBe(2);
    const sorted = await rooms.find({}).sort({ memberIds: 1 }).limit(1).explain('executionStats');
    expect(sorted.queryPlanner.winningPlan).toMatchObject({ stage: 'SORT', inputStage: { stage: 'COLLSCAN' } });
  });

  it('a sparse index is not used where it would miss documents without the field', async () => {
    const coll = t.db.collection('sparse');
    await coll.createIndex({ s: 1 }, { sparse: true });
    await coll.insertMany([{ s: 1 }, {}, { s: null }, { s: 2 }]);
    const hit = await coll.find({ s: 2 }).explain('executionStats');
    expect(ixscan(hit.queryPlanner.winningPlan)?.indexName).toBe('s_1');
    const nulls = await coll.find({ s: null }).explain('executionStats');
    expect(nulls.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect(nulls.executionStats.nReturned).toBe(2);
  });

  it('a partial index is used only for queries inside its filter', async () => {
    const coll = t.db.collection('partial');
    await coll.createIndex({ score: 1 }, { partialFilterExpression: { score: { $gt: 10 } } });
    await coll.insertMany([{ score: 5 }, { score: 15 }, { score: 25 }]);
    const inside = await coll.find({ score: 25 }).explain('executionStats');
    expect(ixscan(inside.queryPlanner.winningPlan)?.indexName).toBe('score_1');
    const same = await coll.find({ score: { $gt: 10 } }).explain('executionStats');
    expect(ixscan(same.queryPlanner.winningPlan)?.indexName).toBe('score_1');
    const outside = await coll.find({ score: 5 }).explain('executionStats');
    expect(outside.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect(outside.executionStats.nReturned).toBe(1);
  });

  it('mixed value types on a sort field make the index narrow the candidates but leave the order to a full sort', async () => {
    const coll = t.db.collection('mixed');
    await coll.createIndex({ g: 1, v: 1 });
    await coll.insertMany([{ g: 1, v: new ObjectId() }, { g: 1, v: true }, { g: 1, v: 2 }, { g: 2, v: 1 }]);
    const explained = await coll.find({ g: 1 }).sort({ v: 1 }).limit(1).explain('executionStats');
    expect(ixscan(explained.queryPlanner.winningPlan)?.indexName).toBe('g_1_v_1');
    expect(explained.executionStats.totalDocsExamined).toBe(3);
  });
});
