// A sorted, limited query whose index prefix is pinned to several points ($in over
// conversations, over owners, over the elements of an array) walks one run per point, each
// already in the sort order, and merges them — mongod's SORT_MERGE ("explode for sort") —
// rather than reading every run to the end and sorting. The answers must be exactly those of
// the same query on an unindexed twin collection, in the same order, including skip, both
// sort directions, ties on the sort field, documents several runs hold (a multikey field must
// not yield duplicates), an _id cursor, and the queries that must not merge (a range on the
// leading field, a sort the runs do not give, more than 200 runs). Explain shows FETCH over
// SORT_MERGE over one IXSCAN per run, no SORT stage, and keys examined stopping early.
import { ObjectId, type Collection, type Document, type Filter, type Sort } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from './client';

const t = useTestDb('merge');

interface Twin {
  indexed: Collection;
  plain: Collection;
}

/** The same documents in a collection with `indexes` and in one with only `_id`. */
async function twin(name: string, docs: Document[], indexes: Document[]): Promise<Twin> {
  const indexed = t.db.collection(name);
  const plain = t.db.collection(`${name}_plain`);
  for (const key of indexes) await indexed.createIndex(key);
  await indexed.insertMany(docs.map((d) => ({ ...d })));
  await plain.insertMany(docs.map((d) => ({ ...d })));
  return { indexed, plain };
}

interface Page {
  sort: Sort;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/** Runs the query on both collections; the answers must be equal, order included. */
async function both(c: Twin, filter: Filter<Document>, page: Page): Promise<Document[]> {
  const run = (coll: Collection) => {
    let cursor = coll.find(filter).sort(page.sort).skip(page.skip ?? 0).limit(page.limit ?? 0);
    if (page.projection) cursor = cursor.project(page.projection);
    return cursor.toArray();
  };
  const [got, want] = await Promise.all([run(c.indexed), run(c.plain)]);
  expect(got).toEqual(want);
  return got;
}

/**
 * Like `both` for a sort on one field that repeats: mongod orders tied documents as its plan
 * happens to meet them, so the pages must agree on the sort values, on the documents of every
 * value the page holds all of, and take the documents of the values at its edges from the
 * matching documents holding them.
 */
async function bothUpToTies(c: Twin, filter: Filter<Document>, field: string, page: Page): Promise<Document[]> {
  const run = (coll: Collection) => coll.find(filter).sort(page.sort).skip(page.skip ?? 0).limit(page.limit ?? 0).toArray();
  const [got, want, all] = await Promise.all([run(c.indexed), run(c.plain), c.plain.find(filter).toArray()]);
  expect(got.map((d) => d[field])).toEqual(want.map((d) => d[field]));
  const ids = (docs: Document[], value: unknown) => docs.filter((d) => d[field] === value).map((d) => String(d._id)).sort();
  const values = [...new Set(got.map((d) => d[field]))];
  values.forEach((value, i) => {
    const whole = ids(all, value);
    if (i > 0 && i < values.length - 1) expect(ids(got, value)).toEqual(whole);
    else for (const id of ids(got, value)) expect(whole).toContain(id);
  });
  expect(new Set(got.map((d) => String(d._id))).size).toBe(got.length);
  return got;
}

/** Every stage of a plan, depth first (classic plans nest inputStage/inputStages). */
function stages(plan: Document | undefined): Document[] {
  if (!plan) return [];
  const inner = plan.queryPlan ?? plan;
  return [inner, ...stages(inner.inputStage), ...(inner.inputStages ?? []).flatMap(stages)];
}

async function explainPage(coll: Collection, filter: Filter<Document>, page: Page): Promise<{ plan: Document[]; stats: Document }> {
  const explained = await coll.find(filter).sort(page.sort).skip(page.skip ?? 0).limit(page.limit ?? 0).explain('executionStats');
  return { plan: stages(explained.queryPlanner.winningPlan), stats: explained.executionStats };
}

/** Distinct bigrams of a text, as the search helper indexes them. */
function bigrams(text: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) out.add(text.slice(i, i + 2));
  return [...out];
}

describe('the message search over several conversations', () => {
  const conversations = Array.from({ length: 12 }, () => new ObjectId());
  const senders = [new ObjectId(), new ObjectId(), new ObjectId()];
  const FILLERS = ['会議の予定を確認します', '資料を送付しました', '明日の会議は午後です', '予算の資料は共有フォルダにあります', '了解しました'];
  const N = 2400;
  const messages = Array.from({ length: N }, (_, i) => {
    // One message in 6 holds the phrase; one in 5 has a file.
    const body = i % 6 === 0 ? `${FILLERS[i % FILLERS.length]}。会議資料は${i}版` : `${FILLERS[i % FILLERS.length]}（${i}）`;
    return {
      _id: new ObjectId(),
      conversationId: conversations[(i * 7) % conversations.length],
      senderId: senders[i % senders.length],
      body,
      searchText: body,
      searchGrams: bigrams(body),
      files: i % 5 === 0 ? [{ name: `f${i}.pdf` }] : [],
    };
  });
  const member = conversations.slice(0, 8);
  const search = (extra: Document = {}): Filter<Document> => ({
    conversationId: { $in: member },
    searchGrams: { $all: ['会議', '議資', '資料'] },
    searchText: { $regex: '会議資料' },
    ...extra,
  });
  const newest21 = { sort: { _id: -1 }, limit: 21, projection: { searchGrams: 0, searchText: 0 } } satisfies Page;
  /** The phrase's messages in the member conversations, newest first, picked by hand. */
  const byHand = (keep: (m: (typeof messages)[number]) => boolean = () => true) =>
    messages.filter((m) => m.body.includes('会議資料') && member.some((c) => c.equals(m.conversationId)) && keep(m)).reverse();
  let c: Twin;

  beforeAll(async () => {
    c = await twin('messages', messages, [{ conversationId: 1, searchGrams: 1, _id: -1 }]);
  }, 120_000);

  it('pages newest first through the readable conversations, the next page below the last _id', async () => {
    const first = await both(c, search(), newest21);
    expect(first.map((m) => m.body)).toEqual(byHand().slice(0, 21).map((m) => m.body));
    expect(first[0]).not.toHaveProperty('searchGrams');
    const next = await both(c, search({ _id: { $lt: first[20]._id } }), newest21);
    expect(next.map((m) => m.body)).toEqual(byHand().slice(21, 42).map((m) => m.body));
  });

  it('narrowed to one sender or to messages with files, with a skip, and oldest first', async () => {
    const bySender = await both(c, search({ senderId: senders[1] }), newest21);
    expect(bySender.map((m) => m.body)).toEqual(byHand((m) => m.senderId.equals(senders[1])).slice(0, 21).map((m) => m.body));
    const withFiles = await both(c, search({ 'files.0': { $exists: true } }), newest21);
    expect(withFiles.map((m) => m.body)).toEqual(byHand((m) => m.files.length > 0).slice(0, 21).map((m) => m.body));
    await both(c, search(), { ...newest21, skip: 30 });
    const oldest = await both(c, search({ _id: { $gt: messages[600]._id } }), { sort: { _id: 1 }, limit: 10 });
    expect(oldest.map((m) => m.body)).toEqual(byHand((m) => m._id > messages[600]._id).reverse().slice(0, 10).map((m) => m.body));
  });

  it('explain: FETCH over SORT_MERGE over one IXSCAN per conversation, no SORT, keys read only up to the page', async () => {
    const { plan, stats } = await explainPage(c.indexed, search(), newest21);
    expect(plan[0].stage).toBe('FETCH');
    expect(plan[1]).toMatchObject({ stage: 'SORT_MERGE', sortPattern: { _id: -1 } });
    expect(plan.some((s) => s.stage === 'SORT')).toBe(false);
    const scans = plan.filter((s) => s.stage === 'IXSCAN');
    expect(scans).toHaveLength(member.length);
    // Each run: one conversation, one of the phrase's bigrams (the same for all), every _id.
    const gram = scans[0].indexBounds.searchGrams;
    expect(gram).toHaveLength(1);
    for (const scan of scans) {
      expect(scan).toMatchObject({ indexName: 'conversationId_1_searchGrams_1__id_-1', isMultiKey: true });
      expect(scan.indexBounds.conversationId).toHaveLength(1);
      expect(scan.indexBounds.searchGrams).toEqual(gram);
    }
    expect(scans.map((s) => s.indexBounds.conversationId[0]).sort()).toEqual(member.map((id) => `[ObjectId('${id}'), ObjectId('${id}')]`).sort());
    expect(stats.nReturned).toBe(21);
    // A first key from every run, then one key per document taken: far fewer than the runs hold.
    const inRuns = messages.filter((m) => member.some((id) => id.equals(m.conversationId)) && m.searchGrams.includes('会議')).length;
    expect(stats.totalKeysExamined).toBeLessThanOrEqual(2 * member.length + stats.totalDocsExamined);
    expect(stats.totalKeysExamined).toBeLessThan(inRuns / 4);
    // With an _id cursor the runs start below it.
    const below = await explainPage(c.indexed, search({ _id: { $lt: messages[1200]._id } }), newest21);
    expect(below.plan.filter((s) => s.stage === 'IXSCAN')).toHaveLength(member.length);
    expect(below.stats.totalKeysExamined).toBeLessThanOrEqual(2 * member.length + below.stats.totalDocsExamined);
  });

  it('one conversation walks one IXSCAN in order, as before', async () => {
    const one = { ...search(), conversationId: conversations[3] };
    await both(c, one, newest21);
    const { plan } = await explainPage(c.indexed, one, newest21);
    expect(plan.map((s) => s.stage)).toEqual(['FETCH', 'IXSCAN']);
  });

  it('a range on the conversation instead of points is not merged, and is still right', async () => {
    const sorted = [...conversations].sort((a, b) => String(a).localeCompare(String(b)));
    const range = { ...search(), conversationId: { $gte: sorted[4] } };
    await both(c, range, newest21);
    await both(c, range, { sort: { _id: 1 }, limit: 5, skip: 2 });
    // (The _id index, walked newest first, serves this page as well as anything.)
    const { plan } = await explainPage(c.indexed, range, newest21);
    expect(plan.some((s) => s.stage === 'SORT_MERGE')).toBe(false);
  });
});

describe('merging runs of a plain field', () => {
  // Ranks repeat across owners and within one, so pages end inside runs of equal ranks.
  const owners = ['a', 'b', 'c', 'd', 'e'];
  const docs = Array.from({ length: 500 }, (_, i) => ({ _id: new ObjectId(), owner: owners[i % 5], rank: (i * 37) % 61, n: i }));
  let c: Twin;

  beforeAll(async () => {
    c = await twin('ranked', docs, [{ owner: 1, rank: 1 }]);
  });

  it('sorted on the field after the points, both ways, with limit and skip, ties included', async () => {
    const filter = { owner: { $in: ['b', 'd', 'e'] } };
    for (const dir of [1, -1] as const) {
      for (const [limit, skip] of [[5, 0], [7, 3], [40, 11], [0, 0]]) await bothUpToTies(c, filter, 'rank', { sort: { rank: dir }, limit, skip });
    }
    // Five documents of rank 0 in these owners (i = 61, 183, 244, 366, 488): a page of 3 ends
    // among them, a page of 7 after them.
    expect((await bothUpToTies(c, filter, 'rank', { sort: { rank: 1 }, limit: 3 })).map((d) => d.rank)).toEqual([0, 0, 0]);
    expect((await bothUpToTies(c, filter, 'rank', { sort: { rank: 1 }, limit: 7 })).map((d) => d.rank)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    const { plan, stats } = await explainPage(c.indexed, filter, { sort: { rank: -1 }, limit: 5 });
    expect(plan[1]).toMatchObject({ stage: 'SORT_MERGE', sortPattern: { rank: -1 } });
    expect(plan.filter((s) => s.stage === 'IXSCAN').map((s) => s.direction)).toEqual(['backward', 'backward', 'backward']);
    expect(plan.some((s) => s.stage === 'SORT')).toBe(false);
    expect(stats.totalKeysExamined).toBeLessThan(30);
  });

  it('a range on the leading field is not merged: the matches are sorted in memory', async () => {
    const filter = { owner: { $gte: 'c' } };
    await bothUpToTies(c, filter, 'rank', { sort: { rank: -1 }, limit: 8 });
    const { plan } = await explainPage(c.indexed, filter, { sort: { rank: -1 }, limit: 8 });
    expect(plan.map((s) => s.stage)).toEqual(['SORT', 'FETCH', 'IXSCAN']);
  });

  it('a sort the runs do not give in full is sorted in memory', async () => {
    const filter = { owner: { $in: ['a', 'c'] } };
    await both(c, filter, { sort: { rank: 1, n: -1 }, limit: 6 });
    await both(c, filter, { sort: { n: 1 }, limit: 6 });
    const { plan } = await explainPage(c.indexed, filter, { sort: { rank: 1, n: -1 }, limit: 6 });
    expect(plan.some((s) => s.stage === 'SORT_MERGE')).toBe(false);
    expect(plan[0].stage).toBe('SORT');
  });
});

describe('merging runs of a multikey field', () => {
  // Each document holds two or three tags: several runs hold it.
  const tags = ['x', 'y', 'z', 'w'];
  const docs = Array.from({ length: 300 }, (_, i) => ({ _id: new ObjectId(), tags: [tags[i % 4], tags[(i + 1) % 4], ...(i % 3 === 0 ? [tags[(i + 2) % 4]] : [])], n: i }));
  let c: Twin;

  beforeAll(async () => {
    c = await twin('tagged', docs, [{ tags: 1, _id: 1 }]);
  });

  it('returns a document several runs hold once, in _id order either way', async () => {
    const filter = { tags: { $in: ['x', 'y', 'z'] } };
    for (const dir of [1, -1] as const) {
      for (const [limit, skip] of [[10, 0], [10, 25], [0, 0]]) {
        const page = await both(c, filter, { sort: { _id: dir }, limit, skip });
        expect(new Set(page.map((d) => String(d._id))).size).toBe(page.length);
      }
    }
    const cursor = docs[150]._id;
    const below = await both(c, { ...filter, _id: { $lt: cursor } }, { sort: { _id: -1 }, limit: 10 });
    expect(below.map((d) => d.n)).toEqual(docs.filter((d) => d._id < cursor && d.tags.some((g) => g !== 'w')).reverse().slice(0, 10).map((d) => d.n));
    const { plan, stats } = await explainPage(c.indexed, filter, { sort: { _id: -1 }, limit: 10 });
    expect(plan[1].stage).toBe('SORT_MERGE');
    expect(plan.filter((s) => s.stage === 'IXSCAN')).toHaveLength(3);
    expect(stats.nReturned).toBe(10);
    expect(stats.totalDocsExamined).toBe(10);
  });

  it('an aggregate $match, $sort, $skip, $limit is merged the same way', async () => {
    const pipeline = [{ $match: { tags: { $in: ['w', 'z'] } } }, { $sort: { _id: -1 } }, { $skip: 4 }, { $limit: 9 }];
    const got = await c.indexed.aggregate(pipeline).toArray();
    expect(got).toEqual(await c.plain.aggregate(pipeline).toArray());
    expect(got).toHaveLength(9);
    const explained = await t.db.command({ explain: { aggregate: 'tagged', pipeline, cursor: {} }, verbosity: 'queryPlanner' });
    const plan = stages(explained.queryPlanner?.winningPlan ?? explained.stages?.[0]?.$cursor?.queryPlanner?.winningPlan);
    expect(plan.some((s) => s.stage === 'SORT_MERGE')).toBe(true);
  });
});

describe('more runs than mongod explodes', () => {
  it('201 points are walked one after another and sorted (200 still merge), with the same answers', async () => {
    const docs = Array.from({ length: 900 }, (_, i) => ({ _id: new ObjectId(), k: i % 300, v: (i * 13) % 97 }));
    const c = await twin('many', docs, [{ k: 1, v: 1 }]);
    const points = (n: number) => Array.from({ length: n }, (_, i) => i);
    for (const n of [200, 201]) await both(c, { k: { $in: points(n) } }, { sort: { v: -1 }, limit: 15 });
    const merged = await explainPage(c.indexed, { k: { $in: points(200) } }, { sort: { v: -1 }, limit: 15 });
    expect(merged.plan[1].stage).toBe('SORT_MERGE');
    expect(merged.plan.filter((s) => s.stage === 'IXSCAN')).toHaveLength(200);
    const sorted = await explainPage(c.indexed, { k: { $in: points(201) } }, { sort: { v: -1 }, limit: 15 });
    expect(sorted.plan.map((s) => s.stage)).toEqual(['SORT', 'FETCH', 'IXSCAN']);
  });
});
