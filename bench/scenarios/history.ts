/**
 * A history page: the latest 50 of a conversation holding `historyMessages` messages, through A's
 * REST API (`GET /api/conversations/:id/messages?limit=50`). Seeded once per run in bulk.
 */
import http from 'node:http';
import { seedHistory, seedOrganisation, type Organisation } from '../suite/database.js';
import type { Context } from '../suite/context.js';
import type { Scope } from '../suite/results.js';
import { startBenchServer } from '../suite/servers.js';
import { summarize } from '../report/stats.js';

/** Pages read before the measured ones. */
export const HISTORY_WARMUP = 100;

export interface HistorySeed {
  dbName: string;
  org: Organisation;
  seedS: number;
}

export async function seedHistoryDb(ctx: Context): Promise<HistorySeed> {
  const dbName = `${ctx.tag}_history`;
  const t0 = performance.now();
  const org = await seedOrganisation(ctx.db.client, dbName, 10);
  await seedHistory(ctx.db.client, dbName, org.groups[0]!.id, org.people.map((p) => p.userId), ctx.opts.historyMessages);
  return { dbName, org, seedS: (performance.now() - t0) / 1000 };
}

export async function historySession(ctx: Context, scope: Scope, seed: HistorySeed, trial: number): Promise<void> {
  const { opts, db, results } = ctx;
  const server = await startBenchServer('A', db.uriFor(seed.dbName), { label: `history-t${trial}` });
  scope.defer(() => server.stop());
  const conv = seed.org.groups[0]!.id;
  const token = seed.org.people[1]!.token;
  // node:http over one kept-alive connection, as a browser tab holds one: the runner's own cost per
  // page (fetch builds streams, Headers and a Response each time) stays out of the page's time.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  scope.defer(() => agent.destroy());
  const url = `${server.url}/api/conversations/${conv}/messages?limit=50`;
  const get = () =>
    new Promise<{ ms: number; status: number; count: number; last: number }>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}` }, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages?: { seq: number }[] };
          resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, count: body.messages?.length ?? 0, last: body.messages?.at(-1)?.seq ?? 0 });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('history page timed out')));
      req.on('error', reject);
    });
  const first = await get();
  // Warm up as a server that has been running does: the first pages after a start run cold code
  // (the first is reported on its own, as firstMs).
  for (let i = 0; i < HISTORY_WARMUP; i++) await get();
  const times: number[] = [];
  let wrong = 0;
  // A time budget too: on a crowded machine a slow page must not hold the whole run.
  const deadline = performance.now() + opts.historyBudgetS * 1000;
  for (let i = 0; i < opts.historyRequests && performance.now() < deadline; i++) {
    const r = await get();
    times.push(r.ms);
    if (r.status !== 200 || r.count !== 50 || r.last !== opts.historyMessages) wrong++;
  }
  const s = summarize(times);
  ctx.log(`  history A: p50 ${s.p50?.toFixed(1)} ms, p99 ${s.p99?.toFixed(1)} ms over ${opts.historyMessages} messages`);
  results.add('history', 'A', {
    messages: opts.historyMessages,
    requests: s.n,
    firstMs: first.ms,
    p50Ms: s.p50,
    p99Ms: s.p99,
    maxMs: s.max,
    wrongPages: wrong,
    seedS: seed.seedS,
  });
}
