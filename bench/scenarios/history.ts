/**
 * A history page: the latest 50 of a conversation holding `historyMessages` messages, through A's
 * REST API (`GET /api/conversations/:id/messages?limit=50`). Seeded once per run in bulk.
 */
import http from 'node:http';
import { requestJson } from '../load/http-json.js';
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
  // One kept-alive connection, as a browser tab holds one (bench/load/http-json.ts: not fetch, whose
  // own cost per page would be in the page's time).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  scope.defer(() => agent.destroy());
  const url = `${server.url}/api/conversations/${conv}/messages?limit=50`;
  const get = async () => {
    const t0 = performance.now();
    const { status, body } = await requestJson(url, { agent, token, timeoutMs: 60_000 });
    const messages = (body as { messages?: { seq: number }[] } | null)?.messages;
    return { ms: performance.now() - t0, status, count: messages?.length ?? 0, last: messages?.at(-1)?.seq ?? 0 };
  };
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
