/**
 * Search benchmark (issue 12): seeds `--messages` (default 1,000,000) messages of office Japanese
 * (corpus.ts) over 3,000 people — department channels, teams, project groups and direct
 * conversations — with the search fields server/messaging writes, starts the server (A) and asks
 * `GET /api/search` for common two-, three- and six-character phrases, across all of a person's
 * conversations and inside one. Baseline in the same run (N): the same question answered the naive
 * way, a regular expression over the body of every message of those conversations, newest first.
 * Reports p50/p99, results per answer, the n-gram index's size and the plans (`explain`).
 *
 *   npm run bench:search                          # 1,000,000 messages (about 15 minutes here)
 *   npm run bench:search -- --messages 100000 --requests 100
 *
 * Writes bench/RESULTS-search.md and bench/results/search-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, ObjectId } from 'mongodb';
import { searchFieldsOf } from '../../server/search/search-fields.js';
import { gramPlanOf, literalPattern, normalizeText } from '../../server/search/normalize.js';
import { summarize } from '../report/stats.js';
import { installCleanup, repoRoot } from '../suite/children.js';
import { insertPatiently, openDatabase, seedOrganisation, type Organisation } from '../suite/database.js';
import { startBenchServer } from '../suite/servers.js';
import { random, sentence } from './corpus.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    people: { type: 'string', default: '3000' },
    requests: { type: 'string', default: '200' },
    'naive-requests': { type: 'string', default: '30' },
  },
});
const MESSAGES = Number(args.messages);
const PEOPLE = Number(args.people);
const REQUESTS = Number(args.requests);
const NAIVE_REQUESTS = Number(args['naive-requests']);
const QUERIES = [
  { q: '会議', chars: 2 },
  { q: '予算', chars: 2 },
  { q: '議事録', chars: 3 },
  { q: '見積書', chars: 3 },
  { q: '防災訓練の件', chars: 6 },
  { q: '勤務表を修正', chars: 6 },
];
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

interface Conv {
  id: ObjectId;
  memberIdx: number[];
  weight: number;
}

/** Project groups (8 people) and direct conversations on top of the organisation's teams and channels. */
async function seedMoreConversations(client: MongoClient, dbName: string, org: Organisation, rand: () => number): Promise<Conv[]> {
  const people = org.people.map((p) => new ObjectId(p.userId));
  const now = new Date();
  const extra: Conv[] = [];
  for (let k = 0; k < PEOPLE / 5; k++) extra.push({ id: new ObjectId(), memberIdx: Array.from({ length: 8 }, () => Math.floor(rand() * PEOPLE)), weight: 0.2 });
  for (let k = 0; k < PEOPLE; k++) extra.push({ id: new ObjectId(), memberIdx: [k, Math.floor(rand() * PEOPLE)], weight: 0.15 });
  const docs = extra.map((c, k) => ({
    _id: c.id,
    kind: c.memberIdx.length === 2 ? 'dm' : 'group',
    title: c.memberIdx.length === 2 ? '' : `プロジェクト${k}`,
    memberIds: [...new Set(c.memberIdx)].map((i) => people[i]),
    key: `bench:${String(c.id)}`,
    createdBy: people[c.memberIdx[0]!],
    lastActivityAt: now,
    createdAt: now,
  }));
  for (let i = 0; i < docs.length; i += 5000) await client.db(dbName).collection('conversations').insertMany(docs.slice(i, i + 5000), { ordered: false });
  return [
    ...org.channels.map((c) => ({ id: new ObjectId(c.id), memberIdx: c.memberIdx, weight: 0.3 })),
    ...org.groups.map((g) => ({ id: new ObjectId(g.id), memberIdx: g.memberIdx, weight: 0.35 })),
    ...extra,
  ];
}

/** `MESSAGES` messages over the last 90 days, in batches, with the server's indexes in place. */
async function seedMessages(client: MongoClient, dbName: string, convs: Conv[], rand: () => number): Promise<void> {
  const coll = client.db(dbName).collection('messages');
  await coll.createIndexes([
    { key: { conversationId: 1, seq: 1 }, unique: true },
    { key: { senderId: 1, clientMsgId: 1 }, unique: true },
    { key: { conversationId: 1, searchGrams: 1, _id: -1 } },
  ]);
  // Each kind of conversation gets its share of the messages, spread evenly over its conversations.
  const byKind = new Map<number, Conv[]>();
  for (const c of convs) byKind.set(c.weight, [...(byKind.get(c.weight) ?? []), c]);
  const kinds = [...byKind.entries()];
  const total = kinds.reduce((s, [w]) => s + w, 0);
  const seqs = new Map<Conv, number>();
  const start = Date.now() - 90 * 86_400_000;
  const step = (90 * 86_400_000) / MESSAGES;
  const batch = 2000;
  const t0 = performance.now();
  for (let from = 0; from < MESSAGES; from += batch) {
    const docs = [];
    for (let n = from; n < Math.min(MESSAGES, from + batch); n++) {
      let r = rand() * total;
      let list = kinds[0]![1];
      for (const [w, l] of kinds) {
        if ((r -= w) <= 0) {
          list = l;
          break;
        }
      }
      const conv = list[Math.floor(rand() * list.length)]!;
      const seq = (seqs.get(conv) ?? 0) + 1;
      seqs.set(conv, seq);
      const createdAt = new Date(start + n * step);
      const sender = conv.memberIdx[Math.floor(rand() * conv.memberIdx.length)]!;
      const body = sentence(rand);
      // An _id of the message's own time, as the server's insert gives it.
      const id = ObjectId.createFromTime(Math.floor(createdAt.getTime() / 1000)).toHexString().slice(0, 8) + n.toString(16).padStart(16, '0');
      docs.push({
        _id: new ObjectId(id),
        conversationId: conv.id,
        seq,
        senderId: new ObjectId(String(sender).padStart(24, '0')),
        body,
        clientMsgId: `bench-${n}`,
        mentions: [],
        createdAt,
        ...searchFieldsOf(body),
      });
    }
    await insertPatiently(coll, docs, (reason, attempt) => log(`  batch interrupted (${reason}); retrying (${attempt})`));
    if ((from / batch) % 50 === 0) log(`  seeded ${from + docs.length} messages (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

interface Measured {
  query: string;
  chars: number;
  scope: 'all' | 'one';
  server: 'A' | 'N';
  n: number;
  p50: number | null;
  p99: number | null;
  resultsPerAnswer: number;
}

async function main(): Promise<void> {
  installCleanup();
  const db = await openDatabase();
  const dbName = `search_${Date.now()}`;
  const rand = random(20261205);
  log(`database: ${db.label}`);
  const t0 = performance.now();
  const org = await seedOrganisation(db.client, dbName, PEOPLE);
  const convs = await seedMoreConversations(db.client, dbName, org, rand);
  // Seeding a million messages keeps the stand-in busy for seconds at a time: a patient client.
  const seeder = await new MongoClient(db.uriFor(dbName), { connectTimeoutMS: 300_000, heartbeatFrequencyMS: 60_000, serverSelectionTimeoutMS: 300_000 }).connect();
  await seedMessages(seeder, dbName, convs, rand);
  const seedS = (performance.now() - t0) / 1000;
  log(`seeded ${MESSAGES} messages over ${convs.length} conversations in ${seedS.toFixed(0)} s`);
  const messages = seeder.db(dbName).collection('messages');
  const stats = (await seeder.db(dbName).command({ collStats: 'messages' })) as { count: number; size: number; indexSizes: Record<string, number>; totalIndexSize: number };

  const server = await startBenchServer('A', db.uriFor(dbName), { label: 'search', config: { SEARCH_RATE_LIMIT: 1_000_000 } });
  const measured: Measured[] = [];
  let unavailable = 0;
  const memberships = new Map<number, ObjectId[]>();
  for (const c of convs) for (const i of c.memberIdx) memberships.set(i, [...(memberships.get(i) ?? []), c.id]);
  const person = () => Math.floor(rand() * PEOPLE);

  for (const { q, chars } of QUERIES) {
    for (const scope of ['all', 'one'] as const) {
      const times: number[] = [];
      let results = 0;
      for (let i = 0; i < REQUESTS + 5; i++) {
        const who = org.people[person()]!;
        const params = new URLSearchParams({ q });
        if (scope === 'one') params.set('conversationId', who.channelId);
        const ask = () => fetch(`${server.url}/api/search?${params}`, { headers: { authorization: `Bearer ${who.token}` } });
        let t = performance.now();
        let res = await ask();
        // A stand-in holding a million messages pauses for its major garbage collections; one
        // longer than a second makes the server call the database down and answer 503 for a moment
        // (as it should). Such an answer is counted and the request asked again after a pause.
        for (let retry = 0; res.status === 503 && retry < 30; retry++) {
          await res.arrayBuffer();
          unavailable++;
          await new Promise((r) => setTimeout(r, 1000));
          t = performance.now();
          res = await ask();
        }
        const body = (await res.json()) as { results?: unknown[] };
        if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(body)}`);
        if (i >= 5) {
          times.push(performance.now() - t);
          results += body.results!.length;
        }
      }
      const s = summarize(times);
      measured.push({ query: q, chars, scope, server: 'A', n: s.n, p50: s.p50, p99: s.p99, resultsPerAnswer: results / s.n });
      log(`A ${q} (${scope}): p50 ${s.p50?.toFixed(1)} ms, p99 ${s.p99?.toFixed(1)} ms, ${(results / s.n).toFixed(1)} results`);

      // N: the naive way, a regular expression over every message of the conversations, newest first.
      const naive: number[] = [];
      for (let i = 0; i < NAIVE_REQUESTS; i++) {
        const idx = person();
        const ids = scope === 'one' ? [new ObjectId(org.people[idx]!.channelId)] : memberships.get(idx) ?? [];
        const t = performance.now();
        await messages.find({ conversationId: { $in: ids }, body: { $regex: literalPattern(q) } }, { sort: { _id: -1 }, limit: 21, projection: { searchGrams: 0, searchText: 0 } }).toArray();
        naive.push(performance.now() - t);
      }
      const ns = summarize(naive);
      measured.push({ query: q, chars, scope, server: 'N', n: ns.n, p50: ns.p50, p99: ns.p99, resultsPerAnswer: 0 });
      log(`N ${q} (${scope}): p50 ${ns.p50?.toFixed(1)} ms, p99 ${ns.p99?.toFixed(1)} ms`);
    }
  }

  // The plans the database chose, for the record (the same filter the server builds).
  const explains: Record<string, unknown> = {};
  const who = 0;
  for (const { q } of [QUERIES[0]!, QUERIES[4]!]) {
    const plan = gramPlanOf(normalizeText(q));
    const grams = plan.kind === 'all' ? { $all: plan.grams } : {};
    for (const scope of ['all', 'one'] as const) {
      const conversationId = scope === 'one' ? new ObjectId(org.people[who]!.channelId) : { $in: memberships.get(who) ?? [] };
      const e = await messages.find({ conversationId, searchGrams: grams, searchText: { $regex: literalPattern(normalizeText(q)) } }, { sort: { _id: -1 }, limit: 21 }).explain('executionStats');
      explains[`${q} (${scope})`] = { winningPlan: e.queryPlanner.winningPlan, nReturned: e.executionStats?.nReturned, totalKeysExamined: e.executionStats?.totalKeysExamined, totalDocsExamined: e.executionStats?.totalDocsExamined };
    }
  }
  await server.stop();
  await seeder.close();
  await db.drop(dbName).catch(() => undefined);
  await db.stop();
  write({ seedS, stats, measured, explains, label: db.label, unavailable });
}

function stagesOf(plan: any): string {
  if (!plan) return '';
  const inner = plan.inputStage ? [stagesOf(plan.inputStage)] : (plan.inputStages ?? []).map(stagesOf);
  const name = plan.stage === 'IXSCAN' ? `IXSCAN ${plan.indexName}` : plan.stage;
  const uniq = [...new Set(inner)];
  return inner.length ? `${name} ← ${inner.length > 1 ? `${inner.length} × ` : ''}${uniq.join(' | ')}` : name;
}

function write(run: { seedS: number; stats: any; measured: Measured[]; explains: Record<string, any>; label: string; unavailable: number }): void {
  const at = new Date().toISOString();
  mkdirSync(path.join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(path.join(repoRoot, `bench/results/search-${at.replace(/[:.]/g, '-')}.json`), JSON.stringify({ at, messages: MESSAGES, people: PEOPLE, ...run }, null, 2));
  const ms = (v: number | null) => (v === null ? '—' : v < 10 ? v.toFixed(1) : v.toFixed(0));
  const rows = QUERIES.flatMap(({ q, chars }) =>
    (['all', 'one'] as const).map((scope) => {
      const a = run.measured.find((m) => m.query === q && m.scope === scope && m.server === 'A')!;
      const n = run.measured.find((m) => m.query === q && m.scope === scope && m.server === 'N')!;
      return `| 「${q}」 (${chars}) | ${scope === 'all' ? 'all my conversations' : 'one channel'} | ${ms(a.p50)} | ${ms(a.p99)} | ${a.resultsPerAnswer.toFixed(1)} | ${ms(n.p50)} | ${ms(n.p99)} | ${a.p50 && n.p50 ? (n.p50 / a.p50).toFixed(1) : '—'} |`;
    }),
  );
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  const idx = run.stats.indexSizes ?? {};
  const md = `# Search benchmark

- **When / where:** ${at}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end
- **Database:** ${run.label}
- **Command:** \`npm run bench:search -- --messages ${MESSAGES} --requests ${REQUESTS} --naive-requests ${NAIVE_REQUESTS}\`
- **Data:** ${MESSAGES.toLocaleString('en')} messages of office Japanese (bench/search/corpus.ts) over ${PEOPLE.toLocaleString('en')} people and their channels, teams, project groups and direct conversations (about 5 conversations each); seeded in ${run.seedS.toFixed(0)} s
- **A:** \`GET /api/search\` on the server, through HTTP, for a random person each time (${REQUESTS} requests per row after 5 warm-up). Answers \`503 unavailable\` while the stand-in paused over a second for garbage collection (the server then calls the database down for a moment), asked again a second later and not timed: ${run.unavailable}. **N** (baseline, same run, same database): the naive question — a regular expression over the body of every message of the same conversations, newest first, limit 21 — straight to the database (${NAIVE_REQUESTS} per row).

| query (characters) | scope | A p50 ms | A p99 ms | A results | N p50 ms | N p99 ms | N/A (p50) |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

**Sizes (the database's own estimate):** messages ${mb(run.stats.size ?? 0)}; n-gram index \`conversationId_1_searchGrams_1__id_-1\` ${mb(idx['conversationId_1_searchGrams_1__id_-1'] ?? 0)}; all indexes ${mb(run.stats.totalIndexSize ?? 0)}.

**Plans** (\`explain('executionStats')\` of the filter the server builds, for person 0):

${Object.entries(run.explains)
  .map(([k, e]) => `- 「${k}」: ${stagesOf(e.winningPlan)} — returned ${e.nReturned}, keys examined ${e.totalKeysExamined}, documents examined ${e.totalDocsExamined}`)
  .join('\n')}
`;
  writeFileSync(path.join(repoRoot, 'bench/RESULTS-search.md'), md);
  log('wrote bench/RESULTS-search.md');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
