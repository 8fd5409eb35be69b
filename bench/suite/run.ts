/**
 * The benchmark suite: `npm run bench` (quick) and `npm run bench:full`. Runs every scenario
 * against A, B and N interleaved (A, B, N, A, B, N, …) over one database, then writes the report
 * (bench/RESULTS.md or RESULTS-quick.md), the plots and the raw JSON (bench/results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installCleanup, killAll, repoRoot, setLogDir } from './children.js';
import { openDatabase } from './database.js';
import { readOptions } from './options.js';
import { Results, bounded } from './results.js';
import type { Context } from './context.js';
import { organisationSession } from '../scenarios/organisation.js';
import { ceilingSession } from '../scenarios/ceiling.js';
import { historySession, seedHistoryDb } from '../scenarios/history.js';
import { bundleScenario } from '../scenarios/bundle.js';
import { soakSession } from '../scenarios/soak.js';
import { writeReport, type RunInfo } from '../report/markdown.js';

installCleanup();
const opts = readOptions();
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const resultsDir = path.join(repoRoot, 'bench/results');
setLogDir(path.join(resultsDir, 'logs', `${opts.mode}-${stamp}`));
const log = (line: string) => console.log(line);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 60_000).toFixed(1)} min`;

log(`[bench] ${opts.mode} pass: ${opts.trials} trial(s), servers ${opts.servers.join(',')}, scenarios ${opts.scenarios.join(',')}`);
const db = await openDatabase();
log(`[bench] database: ${db.label} at ${db.baseUri}`);
const results = new Results();
const ctx: Context = { opts, db, results, tag: `b${Date.now().toString(36)}`, log };
const has = (s: string) => opts.scenarios.includes(s);
const sessionS: Record<string, number> = {};
const rawPath = path.join(resultsDir, `${opts.mode}-${stamp}.json`);
mkdirSync(resultsDir, { recursive: true });

const info = (): RunInfo => ({
  mode: opts.mode,
  startedAt: startedAt.toISOString(),
  minutes: (performance.now() - t0) / 60_000,
  command: `npm run ${opts.mode === 'full' ? 'bench:full' : 'bench'}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAvgAtStart,
  },
  database: db.label,
  options: opts,
  sessionSeconds: sessionS,
});
const loadAvgAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
const saveRaw = () => writeFileSync(rawPath, JSON.stringify({ info: info(), scenarios: results.scenarios }, null, 1));

/** One bounded session; a failure is recorded and the run goes on. */
async function session(name: string, scenarioIds: string[], run: Parameters<typeof bounded>[2]): Promise<void> {
  const s0 = performance.now();
  log(`[bench] ${elapsed()} ${name}`);
  try {
    await bounded(name, opts.sessionTimeoutS, run);
  } catch (err) {
    const message = `${name}: ${(err as Error).message.split('\n')[0]}`;
    log(`[bench] FAILED ${message}`);
    for (const id of scenarioIds) results.error(id, message);
  }
  sessionS[name] = (performance.now() - s0) / 1000;
  saveRaw();
}

try {
  if (has('bundle')) await session('bundle', ['bundle'], () => bundleScenario(ctx));

  if (has('history') && opts.servers.includes('A')) {
    // The million messages get a stand-in process of their own, stopped afterwards. Dropped from
    // the shared one, they stay in its heap (2.3 GB) until V8's next full collection, and every
    // young collection of the stand-in is slower meanwhile (5-11 ms instead of 3-4): the scenarios
    // after this one would measure that, not the servers.
    const historyDb = db.ownProcess ? await openDatabase('standin-history') : db;
    const hctx: Context = { ...ctx, db: historyDb };
    try {
      log(`[bench] ${elapsed()} seeding ${opts.historyMessages} messages for the history page`);
      const seed = await seedHistoryDb(hctx);
      try {
        for (let t = 1; t <= opts.trials; t++) await session(`history t${t}`, ['history'], (scope) => historySession(hctx, scope, seed, t));
      } finally {
        await historyDb.drop(seed.dbName);
      }
    } finally {
      if (historyDb !== db) await historyDb.stop();
    }
  }

  const largest = Math.max(...opts.connectSizes);
  const orgWanted = has('connect') || has('everyday') || has('reconnect');
  for (let t = 1; t <= opts.trials; t++) {
    if (orgWanted) {
      for (const size of opts.connectSizes) {
        const what = { everyday: size === largest && has('everyday'), reconnect: size === largest && has('reconnect') };
        for (const kind of opts.servers) {
          const ids = [`connect-${size}`, ...(what.everyday ? ['everyday'] : []), ...(what.reconnect ? ['reconnect'] : [])];
          await session(`morning ${size} ${kind} t${t}`, ids, (scope) => organisationSession(ctx, scope, kind, t, size, what));
        }
      }
    }
    if (has('ceiling')) {
      for (const kind of opts.servers) {
        await session(`ceiling ${kind} t${t}`, ['ceiling-parallel', 'ceiling-busy'], (scope) => ceilingSession(ctx, scope, kind, t));
      }
    }
  }

  if (has('soak')) {
    // A leak check, not a speed measure: the servers soak side by side to keep the run short.
    await session('soak', ['soak'], (scope) => Promise.all(opts.servers.map((kind) => soakSession(ctx, scope, kind, 1))).then(() => {}));
  }
} finally {
  saveRaw();
  await db.stop().catch(() => {});
  killAll();
}

const reportFile = path.join(repoRoot, 'bench', opts.mode === 'full' ? 'RESULTS.md' : 'RESULTS-quick.md');
await writeReport(reportFile, info(), results.scenarios, path.relative(path.join(repoRoot, 'bench'), rawPath));
log(`[bench] done in ${elapsed()}: ${path.relative(repoRoot, reportFile)}, raw ${path.relative(repoRoot, rawPath)}`);
const failures = Object.values(results.scenarios).flatMap((d) => d.errors);
for (const f of new Set(failures)) log(`[bench] failure: ${f}`);
process.exit(failures.length ? 1 : 0);
