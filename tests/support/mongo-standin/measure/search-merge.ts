/**
 * Measures the message search over many conversations on the stand-in (not a test; figures go
 * to the stand-in README): 200,000 messages in 3,000 conversations with the index
 * {conversationId: 1, searchGrams: 1, _id: -1}, and the search of a user who belongs to 100 of
 * them — `$in` over the conversations, `$all` over the phrase's bigrams, `$regex` on the text,
 * newest first, 21 per page, then the next page below the last _id, and the same narrowed to a
 * sender or to messages with files. Prints ms per query (median of up to 30 runs) and what explain
 * says was examined, plus a digest of the ids returned (the same before and after a planner
 * change means the same answers).
 *
 *   NODE_OPTIONS='--max-old-space-size=8192 --max-semi-space-size=64' \
 *     npx tsx tests/support/mongo-standin/measure/search-merge.ts [messages=200000] [member-of=100[,300…]]
 */
import { createHash } from 'node:crypto';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { startStandin } from '../index.js';

const TOTAL = Number(process.argv[2] ?? 200_000);
/** How many conversations the searching user belongs to (a comma list measures each in turn). */
const MEMBER_OF = (process.argv[3] ?? '100').split(',').map(Number);
const CONVERSATIONS = 3000;
const BATCH = 1000;
/** Runs per query: up to 30, fewer for a slow one (at least 3, about 20 s each at most). */
const RUNS = 30;
const SECONDS_PER_QUERY = 20;

// A small deterministic generator, so every run holds the same messages.
let seed = 12345;
// mulberry32: a plain LCG's consecutive draws correlate (conversation with phrase), this one's do not.
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

const WORDS = ['会議', '資料', '予定', '確認', '送付', '明日', '午後', '予算', '共有', 'フォルダ', '了解', '議事録', '作成', '担当', '窓口', '申請', '書類', '提出', '期限', '連絡', '市民', '課長', 'よろしく', 'お願いします', 'ありがとうございます', 'です', 'ます', 'の', 'を', 'は', 'に'];
const PHRASE = '会議資料';

function body(): string {
  let text = random() < 0.03 ? PHRASE : '';
  while (text.length < 20 + Math.floor(random() * 20)) text += pick(WORDS);
  return text;
}

function bigrams(text: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) out.add(text.slice(i, i + 2));
  return [...out];
}

const standin = await startStandin();
const client = await MongoClient.connect(standin.uri.replace(/\/(\?|$)/, '/measure_search$1'));
const messages = client.db().collection('messages');
await messages.createIndex({ conversationId: 1, searchGrams: 1, _id: -1 });

const conversations = Array.from({ length: CONVERSATIONS }, () => new ObjectId());
const senders = Array.from({ length: 500 }, () => new ObjectId());
const started = performance.now();
for (let done = 0; done < TOTAL; done += BATCH) {
  const batch: Document[] = [];
  for (let i = 0; i < BATCH && done + i < TOTAL; i++) {
    const text = body();
    const doc: Document = { _id: new ObjectId(), conversationId: pick(conversations), senderId: pick(senders), body: text, searchText: text, searchGrams: bigrams(text), files: [] };
    if (random() < 0.1) doc.files = [{ fileId: new ObjectId(), name: '資料.pdf' }];
    batch.push(doc);
  }
  await messages.insertMany(batch, { ordered: false });
  if ((done + BATCH) % 50_000 === 0) process.stderr.write(`inserted ${(done + BATCH).toLocaleString('en')}\n`);
}
const insertSeconds = (performance.now() - started) / 1000;

const projection = { searchGrams: 0, searchText: 0 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The plan's stages from the top, e.g. "FETCH > SORT_MERGE > 100 IXSCAN (index name)". */
function shape(plan: Document): string {
  const out: string[] = [];
  for (let stage: Document | undefined = plan; stage; stage = stage.inputStage) {
    if (stage.inputStages) {
      out.push(stage.stage, `${stage.inputStages.length} IXSCAN (${stage.inputStages[0]?.indexName})`);
      break;
    }
    out.push(stage.stage === 'IXSCAN' ? `IXSCAN (${stage.indexName})` : stage.stage);
  }
  return out.join(' > ');
}

console.log(`${TOTAL.toLocaleString('en')} messages in ${CONVERSATIONS.toLocaleString('en')} conversations; inserted in ${insertSeconds.toFixed(0)} s; node ${process.version}`);
console.log('| member of | query (limit 21, _id -1) | returned | ms (median) | keys examined | docs examined | plan |\n| --- | --- | --- | --- | --- | --- | --- |');
const digest = createHash('sha256');
for (const memberOf of MEMBER_OF) {
  const member = conversations.slice(0, memberOf);
  const search = (extra: Document = {}) => ({
    conversationId: { $in: member },
    searchGrams: { $all: bigrams(PHRASE) },
    searchText: { $regex: PHRASE },
    ...extra,
  });
  const firstPage = await messages.find(search()).sort({ _id: -1 }).limit(21).project(projection).toArray();
  const cases: Array<[string, Document]> = [
    ['first page', search()],
    ['next page (_id $lt cursor)', search({ _id: { $lt: firstPage[20]?._id ?? new ObjectId() } })],
    ['one sender', search({ senderId: senders[0] })],
    ["with files ('files.0' $exists)", search({ 'files.0': { $exists: true } })],
  ];
  for (const [name, filter] of cases) {
    const run = () => messages.find(filter).sort({ _id: -1 }).limit(21).project(projection).toArray();
    await run();
    const times: number[] = [];
    let found: Document[] = [];
    const until = performance.now() + SECONDS_PER_QUERY * 1000;
    for (let i = 0; i < RUNS && (i < 3 || performance.now() < until); i++) {
      const t = performance.now();
      found = await run();
      times.push(performance.now() - t);
    }
    for (const d of found) digest.update(String(d._id));
    const explained = (await messages.find(filter).sort({ _id: -1 }).limit(21).project(projection).explain('executionStats')) as Document;
    const stats = explained.executionStats;
    console.log(`| ${memberOf} | ${name} | ${found.length} | ${median(times).toFixed(1)} (${times.length} runs) | ${stats.totalKeysExamined} | ${stats.totalDocsExamined} | ${shape(explained.queryPlanner.winningPlan)} |`);
  }
}
console.log(`ids digest: ${digest.digest('hex').slice(0, 16)}`);

await client.close();
await standin.stop();
