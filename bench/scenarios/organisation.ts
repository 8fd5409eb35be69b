/**
 * One morning for one server: `size` people connect (connect storm), work (everyday load and the
 * load sweep), then the server is SIGKILLed and restarted (reconnect storm). The three scenarios
 * share one session so the storm's 3,000 sockets are connected once.
 */
import { seedOrganisation } from '../suite/database.js';
import { clientSpecs, type Context } from '../suite/context.js';
import { startGenerator } from '../suite/generator.js';
import { sleep, type Scope } from '../suite/results.js';
import { cpuMs, restartOnPort, startBenchServer, type BenchServer, type ServerKind } from '../suite/servers.js';
import { cpuSecondsOf } from '../suite/procstat.js';
import type { Summary } from '../report/stats.js';

interface PhaseResult {
  label: string;
  rate: number;
  sent: number;
  acked: number;
  failed: number;
  ack: Summary;
  delivery: Summary;
}

export async function organisationSession(
  ctx: Context,
  scope: Scope,
  kind: ServerKind,
  trial: number,
  size: number,
  what: { everyday: boolean; reconnect: boolean },
): Promise<void> {
  const { opts, db, results } = ctx;
  const dbName = `${ctx.tag}_org${size}_${kind}_t${trial}`;
  scope.defer(() => db.drop(dbName));
  const org = await seedOrganisation(db.client, dbName, size);
  const label = `org${size}-t${trial}`;
  let server: BenchServer = await startBenchServer(kind, db.uriFor(dbName), { label });
  scope.defer(() => server.stop());
  const specs = clientSpecs(org);
  const gen = await startGenerator(label, server.url, specs, kind === 'A' ? undefined : 'bench-route');
  scope.defer(() => gen.stop());

  // ── connect storm ──
  const before = await server.gcStats();
  const dbCpu0 = cpuSecondsOf(db.pid);
  const conn = await gen.call<{ connectMs: number; withWatchMs: number; connected: number; failed: number; errors: string[]; watch: string }>(
    'connect',
    { from: 0, to: size, concurrency: opts.connectConcurrency, watch: true, timeoutMs: 120_000 },
  );
  const quiet = await gen.call<{ waitedMs: number; quiet: boolean }>('waitQuiet', { quietMs: opts.presenceQuietMs, timeoutMs: 300_000 });
  const presence = await gen.call<{ frames: number; entries: number; perClientFrames: number; perClientEntries: number; maxClientFrames: number; watchedPerClient: number }>('presence');
  const after = await server.gcStats();
  const dbCpu1 = cpuSecondsOf(db.pid);
  ctx.log(`  connect ${size} → ${kind}: ${(conn.connectMs / 1000).toFixed(2)} s, ${conn.failed} failed, presence frames/client ${presence.perClientFrames.toFixed(1)} (watch ${conn.watch})`);
  results.add(
    `connect-${size}`,
    kind,
    {
      connectS: conn.connectMs / 1000,
      withWatchS: conn.withWatchMs / 1000,
      connected: conn.connected,
      failed: conn.failed,
      presenceFramesPerClient: presence.perClientFrames,
      presenceEntriesPerClient: presence.perClientEntries,
      presenceFramesTotal: presence.frames,
      watchedPerClient: presence.watchedPerClient,
      settleS: quiet.waitedMs / 1000,
      heapPerConnKB: (after.heapUsed - before.heapUsed) / Math.max(1, conn.connected) / 1024,
      rssPerConnKB: (after.rss - before.rss) / Math.max(1, conn.connected) / 1024,
      serverCpuS: (cpuMs(after) - cpuMs(before)) / 1000,
      dbCpuS: dbCpu0 !== null && dbCpu1 !== null ? dbCpu1 - dbCpu0 : null,
      genCpuS: conn.gen.cpuMs / 1000,
      genElu: conn.gen.elu,
      watch: conn.watch,
    },
    { conn, quiet, presence, before, after },
  );

  // ── everyday load ──
  if (what.everyday) {
    const phases: { label: string; rate: number; seconds: number }[] = [];
    for (let t = 0; t < opts.everydaySeconds; t += opts.burstEverySeconds) {
      const span = Math.min(opts.burstEverySeconds, opts.everydaySeconds - t);
      const base = Math.max(0, span - opts.burstSeconds);
      if (base > 0) phases.push({ label: 'base', rate: opts.everydayBase, seconds: base });
      phases.push({ label: 'burst', rate: opts.everydayBurst, seconds: Math.min(opts.burstSeconds, span) });
    }
    await server.resetEventLoopDelay();
    const s0 = await server.stats();
    const day = await gen.call<{
      phases: PhaseResult[];
      all: { ack: Summary; delivery: Summary; sent: number; acked: number; failed: number };
      byLabel: Record<string, { rate: number; acked: number; ack: Summary; delivery: Summary }>;
    }>('load', { phases });
    const s1 = await server.stats();
    const burst = day.phases.filter((p) => p.label === 'burst');
    ctx.log(`  everyday ${kind}: delivery p50 ${day.all.delivery.p50?.toFixed(1)} ms p99 ${day.all.delivery.p99?.toFixed(1)} ms, loop delay p99 ${s1.eld.p99.toFixed(1)} ms`);
    results.add(
      'everyday',
      kind,
      {
        clients: conn.connected,
        sent: day.all.sent,
        acked: day.all.acked,
        failed: day.all.failed,
        deliveries: day.all.delivery.n,
        deliveryP50: day.all.delivery.p50,
        deliveryP99: day.all.delivery.p99,
        deliveryMax: day.all.delivery.max,
        ackP50: day.all.ack.p50,
        ackP99: day.all.ack.p99,
        burstDeliveryP99: Math.max(...burst.map((b) => b.delivery.p99 ?? 0)),
        eventLoopP99: s1.eld.p99,
        eventLoopMax: s1.eld.max,
        serverCpuPerMsgMs: (cpuMs(s1) - cpuMs(s0)) / Math.max(1, day.all.acked),
        genCpuS: day.gen.cpuMs / 1000,
        genElu: day.gen.elu,
      },
      day,
    );
    // The everyday base rate and its bursts are two points of latency against load.
    for (const part of Object.values(day.byLabel)) {
      results.add(`sweep-${part.rate}`, kind, { rate: part.rate, acked: part.acked, deliveryP50: part.delivery.p50, deliveryP99: part.delivery.p99, ackP99: part.ack.p99, eventLoopP99: null, genElu: null });
    }
    // The sweep: latency against load, one steady rate at a time.
    for (const rate of opts.sweepRates) {
      await server.resetEventLoopDelay();
      const r = await gen.call<{ all: { delivery: Summary; ack: Summary; acked: number; sent: number } }>('load', { phases: [{ label: `rate-${rate}`, rate, seconds: opts.sweepSeconds }] });
      const st = await server.stats();
      results.add(`sweep-${rate}`, kind, {
        rate,
        sent: r.all.sent,
        acked: r.all.acked,
        deliveryP50: r.all.delivery.p50,
        deliveryP99: r.all.delivery.p99,
        ackP99: r.all.ack.p99,
        eventLoopP99: st.eld.p99,
        genElu: r.gen.elu,
      });
    }
  }

  // ── reconnect storm ──
  if (what.reconnect) {
    const prep = await gen.call<{ catchUp: string; syncProbeStatus: number | null; clients: number }>('prepareReconnect', {
      backoff: { minMs: opts.backoffMinMs, maxMs: opts.backoffMaxMs, jitter: opts.backoffJitter },
    });
    await gen.call('startTraffic', { rate: opts.reconnectRate });
    await sleep(3_000);
    await gen.call('markKill');
    const killedAt = performance.now();
    await server.kill();
    server = await restartOnPort(kind, db.uriFor(dbName), server.port, { label });
    const restartS = (performance.now() - killedAt) / 1000;
    await gen.call('markReady');
    const cpu0 = await server.stats();
    const caught = await gen.call<{
      clients: number;
      caughtUp: number;
      t99FromKillMs: number | null;
      t99FromReadyMs: number | null;
      t100FromKillMs: number | null;
      requestsPerClient: number;
      maxRequests: number;
      attemptsPerClient: number;
      failedRequests: number;
      catchUp: string;
    }>('waitCaughtUp', { timeoutMs: opts.reconnectTimeoutS * 1000 });
    // The restarted server's CPU from ready until 99 %+ were caught up (what the storm cost it).
    const catchUpCpuS = (cpuMs(await server.stats()) - cpuMs(cpu0)) / 1000;
    await sleep(2_000);
    const stopped = await gen.call<{ outboxLeft: number }>('stopTraffic', { timeoutMs: 30_000 });
    const check = await gen.call<{ notCaughtUp: number; acknowledged: number; acknowledgedBeforeKill: number; checked: number; lost: number; lostBeforeKill: number; doubled: number; refusedSends: number }>('verify');
    ctx.log(`  reconnect ${kind}: 99 % caught up ${((caught.t99FromKillMs ?? NaN) / 1000).toFixed(2)} s after the kill (${caught.catchUp}), lost ${check.lost}, doubled ${check.doubled}`);
    results.add(
      'reconnect',
      kind,
      {
        clients: caught.clients,
        caughtUp: caught.caughtUp,
        t99FromKillS: caught.t99FromKillMs === null ? null : caught.t99FromKillMs / 1000,
        t99FromReadyS: caught.t99FromReadyMs === null ? null : caught.t99FromReadyMs / 1000,
        t100FromKillS: caught.t100FromKillMs === null ? null : caught.t100FromKillMs / 1000,
        restartS,
        serverCpuS: catchUpCpuS,
        requestsPerClient: caught.requestsPerClient,
        attemptsPerClient: caught.attemptsPerClient,
        failedRequests: caught.failedRequests,
        acknowledged: check.acknowledged,
        acknowledgedBeforeKill: check.acknowledgedBeforeKill,
        notCaughtUp: check.notCaughtUp,
        lost: check.lost,
        lostBeforeKill: check.lostBeforeKill,
        doubled: check.doubled,
        refusedSends: check.refusedSends,
        outboxLeft: stopped.outboxLeft,
        catchUp: prep.catchUp,
        syncProbe: prep.syncProbeStatus === null ? 'n/a' : `POST /api/sync → ${prep.syncProbeStatus || 'no answer'}`,
      },
      { prep, caught, check },
    );
  }
}
