/**
 * Heap soak: connect/disconnect cycles for `soakSeconds`; the heap after forced GC at the start
 * (after one warm-up cycle and the presence grace period) is compared with the heap at the end.
 * A, B and N soak at the same time (a leak check, not a speed measure), each with its own
 * generator and database.
 */
import { seedOrganisation } from '../suite/database.js';
import { clientSpecs, type Context } from '../suite/context.js';
import { startGenerator } from '../suite/generator.js';
import { sleep, type Scope } from '../suite/results.js';
import { startBenchServer, type ServerKind } from '../suite/servers.js';

export async function soakSession(ctx: Context, scope: Scope, kind: ServerKind, trial: number): Promise<void> {
  const { opts, db, results } = ctx;
  const n = opts.soakClients;
  const dbName = `${ctx.tag}_soak_${kind}_t${trial}`;
  scope.defer(() => db.drop(dbName));
  const org = await seedOrganisation(db.client, dbName, n);
  const label = `soak-t${trial}`;
  const server = await startBenchServer(kind, db.uriFor(dbName), { label });
  scope.defer(() => server.stop());
  const gen = await startGenerator(`${label}-${kind}`, server.url, clientSpecs(org));
  scope.defer(() => gen.stop());
  const cycle = async () => {
    await gen.call('connect', { from: 0, to: n, concurrency: 50, watch: true, timeoutMs: 60_000 });
    await gen.call('waitQuiet', { quietMs: 1_000, timeoutMs: 60_000 });
    await gen.call('disconnect', { from: 0, to: n });
    await sleep(500);
  };
  await cycle();
  await sleep(opts.soakSettleMs);
  const start = await server.gcStats();
  const t0 = performance.now();
  let cycles = 0;
  while (performance.now() - t0 < opts.soakSeconds * 1000) {
    await cycle();
    cycles++;
  }
  await sleep(opts.soakSettleMs);
  const end = await server.gcStats();
  const growth = end.heapUsed - start.heapUsed;
  ctx.log(`  soak ${kind}: ${cycles} cycles of ${n}, heap ${(start.heapUsed / 1048576).toFixed(1)} → ${(end.heapUsed / 1048576).toFixed(1)} MB`);
  results.add('soak', kind, {
    clients: n,
    cycles,
    heapStartMB: start.heapUsed / 1048576,
    heapEndMB: end.heapUsed / 1048576,
    growthKB: growth / 1024,
    growthPerCycleB: growth / Math.max(1, cycles),
  });
}
