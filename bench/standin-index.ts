/**
 * Stand-in index benchmark: N messages in one conversation, with the indexes of
 * server/messaging/message.model.ts, and the reads the server makes on them — the latest
 * history page, a page after a seq, and the idempotency lookup — timed at 10,000 documents and
 * at N through the real driver. Usage: npx tsx bench/standin-index.ts [N=1000000]
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { messageModel } from '../server/messaging/message.model.js';
import { startStandin } from '../tests/support/mongo-standin/index.js';

const total = Number(process.argv[2] ?? 1_000_000);
const SMALL = Math.min(10_000, total);
const BATCH = 10_000;
const SAMPLES = 300;
const WARMUP = 30;

const standin = await startStandin();
const uri = standin.uri.replace(/\/(\?|$)/, `/bench_index$1`);
const conn = await mongoose.createConnection(uri).asPromise();
await messageModel(conn).createIndexes(); // the very indexes the server declares
const client = await MongoClient.connect(uri);
const messages = client.db().collection('messages');

const conversationId = new ObjectId();
const senders = Array.from({ length: 20 }, () => new ObjectId());
const idempotencyKeys: Array<{ senderId: ObjectId; clientMsgId: string }> = [];
let inserted = 0;

async function fillTo(n: number): Promise<number> {
  const started = performance.now();
  while (inserted < n) {
    const batch: Document[] = [];
    for (let i = 0; i < BATCH && inserted + batch.length < n; i++) {
      const seq = inserted + batch.length + 1;
      const senderId = senders[seq % senders.length];
      const clientMsgId = randomUUID();
      if (seq % 97 === 0) idempotencyKeys.push({ senderId, clientMsgId });
      batch.push({ conversationId, seq, senderId, body: `message ${seq}: 本日の打ち合わせは十時からです`, clientMsgId, mentions: [], createdAt: new Date(1_700_000_000_000 + seq * 1000) });
    }
    await messages.insertMany(batch, { ordered: false });
    inserted += batch.length;
    if (inserted % 100_000 === 0) process.stderr.write(`inserted ${inserted.toLocaleString('en')}\n`);
  }
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function measure(coll: Collection, n: number): Promise<Record<string, { p50: number; p99: number }>> {
  const latest = await time(async () => {
    const page = await coll.find({ conversationId }).sort({ seq: -1 }).limit(51).toArray();
    if (page.length !== 51 || page[0].seq !== n) throw new Error('latest page is wrong');
  });
  const after = await time(async (i) => {
    const from = Math.floor(((i * 7919) % 1000) / 1000 * (n - 100));
    const page = await coll.find({ conversationId, seq: { $gt: from } }).sort({ seq: 1 }).limit(51).toArray();
    if (page.length !== 51 || page[0].seq !== from + 1) throw new Error('page after a seq is wrong');
  });
  const idempotency = await time(async (i) => {
    const key = idempotencyKeys[(i * 31) % idempotencyKeys.length];
    const found = await coll.findOne(key);
    if (!found) throw new Error('idempotency lookup missed');
  });
  return { 'latest page (limit 51, seq -1)': latest, 'page after a seq (limit 51)': after, 'idempotency {senderId, clientMsgId}': idempotency };
}

const rows: string[] = [];
const report = (n: number, results: Record<string, { p50: number; p99: number }>) => {
  for (const [name, r] of Object.entries(results)) rows.push(`| ${name} | ${n.toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
};

const smallFill = await fillTo(SMALL);
report(SMALL, await measure(messages, SMALL));
const bigFill = total > SMALL ? await fillTo(total) : 0;
if (total > SMALL) report(total, await measure(messages, total));
const explained = (await messages.find({ conversationId }).sort({ seq: -1 }).limit(51).explain('executionStats')) as Document;

console.log(`stand-in index benchmark: ${total.toLocaleString('en')} messages in one conversation, node ${process.version}`);
console.log(`insert: ${SMALL.toLocaleString('en')} in ${(smallFill / 1000).toFixed(1)} s, then to ${total.toLocaleString('en')} in ${(bigFill / 1000).toFixed(1)} s (insertMany, ${BATCH.toLocaleString('en')} per batch)`);
console.log(`latest page plan: ${explained.queryPlanner.winningPlan.inputStage?.indexName ?? 'COLLSCAN'}, keys examined ${explained.executionStats.totalKeysExamined}, documents examined ${explained.executionStats.totalDocsExamined}`);
console.log(`memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB (stand-in and driver in this process)`);
console.log('| query (driver round trip) | documents | p50 ms | p99 ms |\n| --- | --- | --- | --- |');
for (const row of rows) console.log(row);

await client.close();
await conn.close();
await standin.stop();
