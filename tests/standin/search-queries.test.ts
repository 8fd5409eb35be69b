// The query shape of Japanese n-gram search: a multikey index of distinct bigrams
// ({searchGrams: 1, _id: -1}), all of a phrase's bigrams required ($all), the exact phrase
// confirmed by $regex, newest first in pages bounded by _id. Results are compared with the
// same query on an unindexed copy and with the documents picked out by hand; the plan must
// walk the bigram index with point bounds on one bigram, in _id order (no in-memory sort),
// examining what the walk needs rather than the collection. All of it holds on a real mongod.
import { ObjectId, type Collection, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('search');

/** Distinct bigrams of a text, as the search helper indexes them. */
function bigrams(text: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) out.add(text.slice(i, i + 2));
  return [...out];
}

/** Every stage of a plan, depth first (classic plans nest inputStage/inputStages). */
function stages(plan: Document | undefined): Document[] {
  if (!plan) return [];
  const inner = plan.queryPlan ?? plan;
  return [inner, ...stages(inner.inputStage), ...(inner.inputStages ?? []).flatMap(stages)];
}

const conversations = [new ObjectId(), new ObjectId(), new ObjectId()];
const FILLERS = ['会議の予定を確認します', '資料を送付しました', '明日の会議は午後です', '予算の資料は共有フォルダにあります', '了解しました', '議事録を作成中'];
const N = 3000;

interface Message {
  _id: ObjectId;
  conversationId: ObjectId;
  body: string;
  searchText: string;
  searchGrams: string[];
  deletedAt?: Date;
}

const messages: Message[] = [];
for (let i = 0; i < N; i++) {
  // One message in 25 holds the phrase; one of those in 7 was taken back.
  const phrase = i % 25 === 0;
  const body = phrase ? `${FILLERS[i % FILLERS.length]}。会議資料は${i}版` : `${FILLERS[i % FILLERS.length]}（${i}）`;
  const m: Message = { _id: new ObjectId(), conversationId: conversations[i % 3], body, searchText: body, searchGrams: bigrams(body) };
  if (phrase && i % 7 === 0) m.deletedAt = new Date();
  messages.push(m);
}

let indexed: Collection<Message>;
let plain: Collection<Message>;

beforeAll(async () => {
  indexed = t.db.collection<Message>('messages');
  plain = t.db.collection<Message>('messages_plain');
  await indexed.createIndex({ searchGrams: 1, _id: -1 });
  await indexed.insertMany(messages.map((m) => ({ ...m })));
  await plain.insertMany(messages.map((m) => ({ ...m })));
}, 120_000);

const phraseGrams = ['会議', '議資', '資料'];
const members = [conversations[0], conversations[2]];
const upper = messages[2900]._id;
const lower = messages[100]._id;
const searchFilter = {
  searchGrams: { $all: phraseGrams },
  conversationId: { $in: members },
  deletedAt: { $exists: false },
  searchText: { $regex: '会議資料' },
  _id: { $lt: upper, $gte: lower },
};

function byHand(): Message[] {
  return messages
    .filter((m, i) => i >= 100 && i < 2900 && m.body.includes('会議資料') && !m.deletedAt && members.some((c) => c.equals(m.conversationId)))
    .reverse();
}

describe('n-gram search on a multikey index', () => {
  it('the search returns the newest 20 matching messages in the readable conversations and _id window, newest first', async () => {
    const got = await indexed.find(searchFilter).sort({ _id: -1 }).limit(20).toArray();
    const want = await plain.find(searchFilter).sort({ _id: -1 }).limit(20).toArray();
    expect(got).toEqual(want);
    expect(got.map((m) => m.body)).toEqual(byHand().slice(0, 20).map((m) => m.body));
    // The next page starts below the last _id of this one.
    const next = await indexed.find({ ...searchFilter, _id: { $lt: got[19]._id, $gte: lower } }).sort({ _id: -1 }).limit(20).toArray();
    expect(next.map((m) => m.body)).toEqual(byHand().slice(20, 40).map((m) => m.body));
  });

  it('explain shows an index scan on the bigram index, bounded on one bigram, in _id order, examining only what the walk needs', async () => {
    const explained = await indexed.find(searchFilter).sort({ _id: -1 }).limit(20).explain('executionStats');
    const plan = stages(explained.queryPlanner.winningPlan);
    const scan = plan.find((s) => s.stage === 'IXSCAN');
    expect(scan).toMatchObject({ indexName: 'searchGrams_1__id_-1', isMultiKey: true });
    // Point bounds on one of the phrase's bigrams (a multikey field's bounds cannot intersect).
    expect(scan!.indexBounds.searchGrams).toHaveLength(1);
    const [interval] = scan!.indexBounds.searchGrams as string[];
    const gram = phraseGrams.find((g) => interval === `["${g}", "${g}"]`);
    expect(gram).toBeDefined();
    // The index order is the requested order: nothing sorted in memory.
    expect(plan.some((s) => s.stage === 'SORT')).toBe(false);
    const stats = explained.executionStats;
    expect(stats.nReturned).toBe(20);
    const holdingGram = messages.filter((m, i) => i >= 100 && i < 2900 && m.searchGrams.includes(gram!)).length;
    expect(stats.totalKeysExamined).toBeLessThanOrEqual(holdingGram + 1);
    expect(stats.totalDocsExamined).toBeLessThanOrEqual(holdingGram);
    expect(stats.totalDocsExamined).toBeLessThan(N / 5);
  });

  it('an equality on one bigram finds every message holding it exactly once, through the index', async () => {
    const want = messages.filter((m) => m.searchGrams.includes('資料')).map((m) => String(m._id));
    const got = await indexed.find({ searchGrams: '資料' }).toArray();
    expect(got.map((m) => String(m._id)).sort()).toEqual([...want].sort());
    const explained = await indexed.find({ searchGrams: '資料' }).explain('executionStats');
    expect(stages(explained.queryPlanner.winningPlan).find((s) => s.stage === 'IXSCAN')?.indexName).toBe('searchGrams_1__id_-1');
    expect(explained.executionStats.nReturned).toBe(want.length);
    expect(explained.executionStats.totalDocsExamined).toBe(want.length);
  });

  it('$in over bigrams a message holds several of returns that message once', async () => {
    const either = ['会議', '資料', '議資'];
    const want = messages.filter((m) => either.some((g) => m.searchGrams.includes(g))).map((m) => String(m._id));
    const got = await indexed.find({ searchGrams: { $in: either } }).toArray();
    expect(got).toHaveLength(want.length);
    expect(got.map((m) => String(m._id)).sort()).toEqual([...want].sort());
    expect(await indexed.countDocuments({ searchGrams: { $in: either } })).toBe(want.length);
    const sorted = await indexed.find({ searchGrams: { $in: either } }).sort({ _id: -1 }).limit(10).toArray();
    expect(sorted).toEqual(await plain.find({ searchGrams: { $in: either } }).sort({ _id: -1 }).limit(10).toArray());
  });

  it('a one-bigram search within one conversation walks {conversationId, searchGrams, _id} in order', async () => {
    const scoped = t.db.collection<Message>('scoped');
    await scoped.createIndex({ conversationId: 1, searchGrams: 1, _id: -1 });
    await scoped.insertMany(messages.map((m) => ({ ...m })));
    const filter = { conversationId: conversations[1], searchGrams: '会議', deletedAt: { $exists: false } };
    const got = await scoped.find(filter).sort({ _id: -1 }).limit(20).toArray();
    expect(got).toEqual(await plain.find(filter).sort({ _id: -1 }).limit(20).toArray());
    const explained = await scoped.find(filter).sort({ _id: -1 }).limit(20).explain('executionStats');
    const plan = stages(explained.queryPlanner.winningPlan);
    expect(plan.find((s) => s.stage === 'IXSCAN')?.indexName).toBe('conversationId_1_searchGrams_1__id_-1');
    expect(plan.some((s) => s.stage === 'SORT')).toBe(false);
    // The walk reads that conversation's '会議' keys newest first until the 20th match.
    const walk = messages.filter((m) => m.conversationId.equals(conversations[1]) && m.searchGrams.includes('会議')).reverse();
    const needed = walk.findIndex((m) => m === walk.filter((w) => !w.deletedAt)[19]) + 1;
    expect(explained.executionStats.nReturned).toBe(20);
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(needed);
    // Several conversations: still the right page (the per-conversation walks are merged, as mongod merges them; merge-queries.test.ts).
    const several = { ...filter, conversationId: { $in: conversations.slice(0, 2) } };
    expect(await scoped.find(several).sort({ _id: -1 }).limit(20).toArray()).toEqual(await plain.find(several).sort({ _id: -1 }).limit(20).toArray());
  });
});

describe('$regex confirming a phrase', () => {
  const names = ['予算案（修正版）.xlsx', 'a+b (1).pdf', 'ab (1).pdf', 'ABC議事録.docx', 'abc議事録.docx', '資料[最終].pdf', '資料最.pdf', 'x.y', 'xzy'];
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let files: Collection;

  beforeAll(async () => {
    files = t.db.collection('files');
    await files.createIndex({ kind: 1 });
    await files.insertMany(names.map((name) => ({ kind: 'file', name })));
  });

  const found = async (filter: Document) => (await files.find(filter).toArray()).map((d) => d.name).sort();

  it('an escaped phrase matches its metacharacters literally', async () => {
    expect(await found({ kind: 'file', name: { $regex: escape('a+b (1).pdf') } })).toEqual(['a+b (1).pdf']);
    expect(await found({ kind: 'file', name: { $regex: escape('資料[最終]') } })).toEqual(['資料[最終].pdf']);
    expect(await found({ kind: 'file', name: { $regex: escape('（修正版）') } })).toEqual(['予算案（修正版）.xlsx']);
    expect(await found({ name: { $regex: escape('x.y') } })).toEqual(['x.y']);
    // Unescaped, the same text is a pattern.
    expect(await found({ name: { $regex: 'x.y' } })).toEqual(['x.y', 'xzy']);
  });

  it('matching is case-sensitive unless asked otherwise, and a RegExp value works like $regex', async () => {
    expect(await found({ kind: 'file', name: { $regex: 'abc議事録' } })).toEqual(['abc議事録.docx']);
    expect(await found({ kind: 'file', name: { $regex: 'abc議事録', $options: 'i' } })).toEqual(['ABC議事録.docx', 'abc議事録.docx']);
    expect(await found({ kind: 'file', name: /議事録\.docx$/ })).toEqual(['ABC議事録.docx', 'abc議事録.docx']);
    expect(await found({ kind: 'file', name: { $regex: '^資料' } })).toEqual(['資料[最終].pdf', '資料最.pdf']);
  });
});
