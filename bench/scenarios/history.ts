/**
 * A history page: the latest 50 of a conversation holding `historyMessages` messages, through A's
 * REST API (`GET /api/conversations/:id/messages?limit=50`). Seeded once per run in bulk.
 */
import { seedHistory, seedOrganisation, type Organisation } from '../suite/database.js';
import type { Context } from '../suite/context.js';
import type { Scope } from '../suite/results.js';
import { startBenchServer } from '../suite/servers.js';
import { summarize } from '../report/stats.js';

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
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/conversations/${conv}/messages?limit=50`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { messages?: { seq: number }[] };
    return { ms: performance.now() - t0, status: res.status, count: body.messages?.length ?? 0, last: body.messages?.at(-1)?.seq ?? 0 };
  };
  const first = await get();
  for (let i = 0; i < 5; i++) await get();
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
