/**
 * RESULTS.md: machine, date, database and commands; the summary against the issue's targets;
 * then every scenario as median (min–max) per server with the ratios A/B and A/N.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HISTORY_WARMUP } from '../scenarios/history.js';
import type { Options } from '../suite/options.js';
import type { Row, ScenarioData } from '../suite/results.js';
import { SERVER_KINDS, SERVER_NAMES, type ServerKind } from '../suite/servers.js';
import { lineSpec, renderSvg, type Point } from './plots.js';
import { median, spread } from './stats.js';

export interface RunInfo {
  mode: 'quick' | 'full';
  startedAt: string;
  minutes: number;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGB: number; node: string; platform: string; loadAvgAtStart: number[] };
  database: string;
  options: Options;
  sessionSeconds: Record<string, number>;
}

interface Metric {
  key: string;
  label: string;
  digits?: number;
}

const METRICS: Record<string, { title: string; metrics: Metric[] }> = {
  connect: {
    title: 'Connect storm',
    metrics: [
      { key: 'connectS', label: 'time until all connected (s)', digits: 2 },
      { key: 'withWatchS', label: '… and presence:watch acknowledged (s)', digits: 2 },
      { key: 'failed', label: 'failed connections', digits: 0 },
      { key: 'presenceFramesPerClient', label: 'presence frames per client', digits: 1 },
      { key: 'presenceEntriesPerClient', label: 'presence entries per client', digits: 1 },
      { key: 'watchedPerClient', label: 'people each client watches', digits: 1 },
      { key: 'settleS', label: 'time until presence went quiet (s)', digits: 1 },
      { key: 'heapPerConnKB', label: 'server heap per connection (KB, after GC)', digits: 1 },
      { key: 'rssPerConnKB', label: 'server RSS per connection (KB)', digits: 1 },
      { key: 'serverCpuS', label: 'server CPU (s)', digits: 2 },
      { key: 'dbCpuS', label: 'database CPU (s)', digits: 2 },
      { key: 'genCpuS', label: 'generator CPU (s)', digits: 2 },
      { key: 'genElu', label: 'generator event-loop utilisation', digits: 2 },
    ],
  },
  everyday: {
    title: 'Everyday load (base rate with bursts)',
    metrics: [
      { key: 'clients', label: 'connected clients', digits: 0 },
      { key: 'acked', label: 'messages acknowledged', digits: 0 },
      { key: 'failed', label: 'sends failed', digits: 0 },
      { key: 'deliveryP50', label: 'delivery p50 at receivers (ms)', digits: 1 },
      { key: 'deliveryP99', label: 'delivery p99 at receivers (ms)', digits: 1 },
      { key: 'burstDeliveryP99', label: 'delivery p99 in the worst burst (ms)', digits: 1 },
      { key: 'ackP99', label: 'ack p99 (ms)', digits: 1 },
      { key: 'eventLoopP99', label: 'server event-loop delay p99 (ms)', digits: 1 },
      { key: 'serverCpuPerMsgMs', label: 'server CPU per message (ms)', digits: 2 },
      { key: 'genElu', label: 'generator event-loop utilisation', digits: 2 },
    ],
  },
  reconnect: {
    title: 'Reconnect storm after SIGKILL',
    metrics: [
      { key: 'clients', label: 'clients', digits: 0 },
      { key: 't99FromKillS', label: '99 % reconnected and caught up, from the kill (s)', digits: 2 },
      { key: 't99FromReadyS', label: '… from the restarted server being ready (s)', digits: 2 },
      { key: 't100FromKillS', label: 'all caught up, from the kill (s)', digits: 2 },
      { key: 'restartS', label: 'kill → restarted server ready (s)', digits: 2 },
      { key: 'requestsPerClient', label: 'catch-up requests per client', digits: 2 },
      { key: 'attemptsPerClient', label: 'connection attempts per client', digits: 2 },
      { key: 'failedRequests', label: 'failed catch-up requests', digits: 0 },
      { key: 'acknowledged', label: 'messages acknowledged (whole storm)', digits: 0 },
      { key: 'acknowledgedBeforeKill', label: '… of them before the kill', digits: 0 },
      { key: 'notCaughtUp', label: 'clients not caught up when the wait ended', digits: 0 },
      { key: 'lost', label: 'lost (acknowledged, missing at a caught-up member)', digits: 0 },
      { key: 'doubled', label: 'doubled (one clientMsgId, two messages)', digits: 0 },
    ],
  },
  'ceiling-parallel': {
    title: 'Ceiling: conversations in parallel',
    metrics: [
      { key: 'conversations', label: 'conversations', digits: 0 },
      { key: 'msgPerS', label: 'acknowledged messages/s', digits: 0 },
      { key: 'serverCpuPerMsgMs', label: 'server CPU per message (ms)', digits: 2 },
      { key: 'serverCpuShare', label: 'server CPU (cores busy)', digits: 2 },
      { key: 'dbCpuPerMsgMs', label: 'database CPU per message (ms)', digits: 2 },
      { key: 'ackP50', label: 'ack p50 (ms)', digits: 1 },
      { key: 'ackP99', label: 'ack p99 (ms)', digits: 1 },
      { key: 'failed', label: 'sends failed', digits: 0 },
      { key: 'genElu', label: 'generator event-loop utilisation', digits: 2 },
    ],
  },
  'ceiling-busy': {
    title: 'Ceiling: one busy conversation',
    metrics: [
      { key: 'senders', label: 'senders', digits: 0 },
      { key: 'msgPerS', label: 'acknowledged messages/s', digits: 0 },
      { key: 'serverCpuPerMsgMs', label: 'server CPU per message (ms)', digits: 2 },
      { key: 'dbCpuPerMsgMs', label: 'database CPU per message (ms)', digits: 2 },
      { key: 'ackP99', label: 'ack p99 (ms)', digits: 1 },
      { key: 'seqDuplicates', label: 'seq taken twice', digits: 0 },
      { key: 'failed', label: 'sends failed', digits: 0 },
      { key: 'genElu', label: 'generator event-loop utilisation', digits: 2 },
    ],
  },
  history: {
    title: 'History page (A only)',
    metrics: [
      { key: 'messages', label: 'messages in the conversation', digits: 0 },
      { key: 'p50Ms', label: 'latest 50: p50 (ms)', digits: 2 },
      { key: 'p99Ms', label: 'latest 50: p99 (ms)', digits: 2 },
      { key: 'maxMs', label: 'max (ms)', digits: 2 },
      { key: 'firstMs', label: 'first request (ms)', digits: 1 },
      { key: 'wrongPages', label: 'pages not the latest 50', digits: 0 },
    ],
  },
  bundle: {
    title: "Client's first load (A only)",
    metrics: [
      { key: 'firstLoadGzipKB', label: 'first-load JS, gzip (KB)', digits: 1 },
      { key: 'firstLoadRawKB', label: 'first-load JS, raw (KB)', digits: 1 },
      { key: 'firstLoadFiles', label: 'first-load JS files', digits: 0 },
      { key: 'lazyGzipKB', label: 'lazy chunks, gzip (KB)', digits: 1 },
      { key: 'lazyChunks', label: 'lazy chunks', digits: 0 },
    ],
  },
  soak: {
    title: 'Heap soak (connect/disconnect cycles)',
    metrics: [
      { key: 'clients', label: 'clients per cycle', digits: 0 },
      { key: 'cycles', label: 'cycles', digits: 0 },
      { key: 'heapStartMB', label: 'heap after GC at start (MB)', digits: 2 },
      { key: 'heapEndMB', label: 'heap after GC at end (MB)', digits: 2 },
      { key: 'growthKB', label: 'growth (KB)', digits: 0 },
      { key: 'growthPerCycleB', label: 'growth per cycle (bytes)', digits: 0 },
    ],
  },
};

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function values(data: ScenarioData | undefined, kind: ServerKind, key: string): number[] {
  return (data?.trials[kind] ?? []).map((r: Row) => r[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function med(data: ScenarioData | undefined, kind: ServerKind, key: string): number | null {
  return median(values(data, kind, key));
}

function cell(data: ScenarioData | undefined, kind: ServerKind, m: Metric): string {
  const vs = values(data, kind, m.key);
  if (!vs.length) return '—';
  const s = spread(vs)!;
  const mid = fmt(median(vs), m.digits);
  return vs.length > 1 ? `${mid} (${fmt(s[0], m.digits)}–${fmt(s[1], m.digits)})` : mid;
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return '—';
  const r = a / b;
  return r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(3);
}

function scenarioTable(id: string, data: ScenarioData | undefined, kinds: ServerKind[]): string {
  const base = id.startsWith('connect-') ? 'connect' : id;
  const def = METRICS[base];
  if (!def || !data) return '';
  const present = kinds.filter((k) => data.trials[k]?.length);
  const ratios = present.includes('A') ? present.filter((k) => k !== 'A') : [];
  const head = `| metric | ${present.map((k) => SERVER_NAMES[k]).join(' | ')} |${ratios.map((k) => ` A/${k} |`).join('')}`;
  const sep = `| --- |${present.map(() => ' --- |').join('')}${ratios.map(() => ' --- |').join('')}`;
  const rows = def.metrics
    .filter((m) => present.some((k) => values(data, k, m.key).length))
    .map((m) => `| ${m.label} | ${present.map((k) => cell(data, k, m)).join(' | ')} |${ratios.map((k) => ` ${ratio(med(data, 'A', m.key), med(data, k, m.key))} |`).join('')}`);
  const extra: string[] = [];
  const modes = new Set(present.flatMap((k) => (data.trials[k] ?? []).map((r) => r.catchUp ?? r.watch).filter(Boolean)));
  if (id.startsWith('connect-')) extra.push(`presence:watch: ${present.map((k) => `${k} ${[...new Set((data.trials[k] ?? []).map((r) => r.watch))].join('/')}`).join(', ')}.`);
  if (id === 'reconnect') {
    extra.push(`catch-up used: ${present.map((k) => `${k} ${[...new Set((data.trials[k] ?? []).map((r) => r.catchUp))].join('/')}`).join(', ')}.`);
    const probes = [...new Set((data.trials.A ?? []).map((r) => r.syncProbe))].filter(Boolean);
    if (probes.length) extra.push(`A's resync probe: ${probes.join(', ')} (404: not offered; 400: offered but read differently — adapt bench/load/catchup.ts).`);
  }
  void modes;
  const errors = data.errors.length ? `\n**Failures:**\n${data.errors.map((e) => `- ${e}`).join('\n')}\n` : '';
  const title = id.startsWith('connect-') ? `${def.title}: ${id.slice(8)} sockets` : def.title;
  return `### ${title}\n\n${head}\n${sep}\n${rows.join('\n')}\n${extra.length ? `\n${extra.join(' ')}\n` : ''}${errors}`;
}

interface Target {
  what: string;
  target: string;
  a: string;
  b: string;
  ratio: string;
  met: boolean | null;
}

function targets(s: Record<string, ScenarioData>, largest: number): Target[] {
  const out: Target[] = [];
  const c = s[`connect-${largest}`];
  const judge = (ok: boolean | null) => ok;
  const both = (x: number | null, y: number | null) => x !== null && y !== null;
  if (c) {
    const a = med(c, 'A', 'connectS');
    const b = med(c, 'B', 'connectS');
    out.push({ what: `connect storm, ${largest} sockets: time`, target: 'A/B ≤ 2', a: `${fmt(a, 2)} s`, b: `${fmt(b, 2)} s`, ratio: ratio(a, b), met: both(a, b) ? judge(a! / b! <= 2) : null });
    const f = med(c, 'A', 'presenceFramesPerClient');
    const w = med(c, 'A', 'watchedPerClient');
    out.push({ what: 'presence frames per client while they connect', target: `≤ watched × changes (${fmt(w, 0)} × 1)`, a: fmt(f, 1), b: fmt(med(c, 'B', 'presenceFramesPerClient'), 1), ratio: '—', met: both(f, w) ? f! <= w! : null });
    const ha = med(c, 'A', 'heapPerConnKB');
    const hb = med(c, 'B', 'heapPerConnKB');
    out.push({ what: `heap per idle connection at ${largest}`, target: 'A/B ≤ 1.3', a: `${fmt(ha, 1)} KB`, b: `${fmt(hb, 1)} KB`, ratio: ratio(ha, hb), met: both(ha, hb) ? ha! / hb! <= 1.3 : null });
  }
  const r = s.reconnect;
  if (r) {
    const a = med(r, 'A', 't99FromKillS');
    const b = med(r, 'B', 't99FromKillS');
    out.push({ what: `reconnect storm, ${largest} clients: 99 % caught up (from the kill)`, target: '≤ 10 s and A/B ≤ 2.5', a: `${fmt(a, 2)} s`, b: `${fmt(b, 2)} s`, ratio: ratio(a, b), met: both(a, b) ? a! <= 10 && a! / b! <= 2.5 : null });
    const lost = Math.max(...values(r, 'A', 'lost'), ...values(r, 'A', 'doubled'));
    out.push({ what: 'reconnect storm: lost / doubled (every trial)', target: '0 / 0', a: `${Math.max(...values(r, 'A', 'lost'))} / ${Math.max(...values(r, 'A', 'doubled'))}`, b: `${Math.max(...values(r, 'B', 'lost'))} / ${Math.max(...values(r, 'B', 'doubled'))}`, ratio: '—', met: values(r, 'A', 'lost').length ? lost === 0 : null });
    out.push({ what: 'reconnect storm: catch-up requests per client', target: '1 (one-request resync)', a: fmt(med(r, 'A', 'requestsPerClient'), 2), b: fmt(med(r, 'B', 'requestsPerClient'), 2), ratio: '—', met: med(r, 'A', 'requestsPerClient') === null ? null : med(r, 'A', 'requestsPerClient')! <= 1.05 });
  }
  const p = s['ceiling-parallel'];
  if (p) {
    const a = med(p, 'A', 'msgPerS');
    const b = med(p, 'B', 'msgPerS');
    const n = med(p, 'A', 'conversations');
    out.push({ what: `ceiling, ${fmt(n, 0)} conversations: acknowledged msg/s`, target: 'A/B ≥ 0.5', a: fmt(a, 0), b: fmt(b, 0), ratio: ratio(a, b), met: both(a, b) ? a! / b! >= 0.5 : null });
    const ca = med(p, 'A', 'serverCpuPerMsgMs');
    const cb = med(p, 'B', 'serverCpuPerMsgMs');
    out.push({ what: 'server CPU per message (ceiling)', target: '≤ 2 × B', a: `${fmt(ca, 2)} ms`, b: `${fmt(cb, 2)} ms`, ratio: ratio(ca, cb), met: both(ca, cb) ? ca! / cb! <= 2 : null });
  }
  const e = s.everyday;
  if (e) {
    const a = med(e, 'A', 'deliveryP99');
    out.push({ what: `everyday load (${fmt(med(e, 'A', 'clients'), 0)} connected): delivery p99`, target: '< 50 ms', a: `${fmt(a, 1)} ms`, b: `${fmt(med(e, 'B', 'deliveryP99'), 1)} ms`, ratio: ratio(a, med(e, 'B', 'deliveryP99')), met: a === null ? null : a < 50 });
    const l = med(e, 'A', 'eventLoopP99');
    out.push({ what: 'everyday load: server event-loop delay p99', target: '< 20 ms', a: `${fmt(l, 1)} ms`, b: `${fmt(med(e, 'B', 'eventLoopP99'), 1)} ms`, ratio: ratio(l, med(e, 'B', 'eventLoopP99')), met: l === null ? null : l < 20 });
  }
  const so = s.soak;
  if (so) {
    const g = med(so, 'A', 'growthKB');
    const start = med(so, 'A', 'heapStartMB');
    out.push({ what: `heap soak (${fmt(med(so, 'A', 'cycles'), 0)} cycles)`, target: 'no growth (≤ max(1 MB, 5 % of the start))', a: `${fmt(g, 0)} KB`, b: `${fmt(med(so, 'B', 'growthKB'), 0)} KB`, ratio: '—', met: g === null || start === null ? null : g <= Math.max(1024, start * 1024 * 0.05) });
  }
  const h = s.history;
  if (h) {
    const a = med(h, 'A', 'p99Ms');
    out.push({ what: `history page, ${fmt(med(h, 'A', 'messages'), 0)} messages: p99`, target: '< 10 ms', a: `${fmt(a, 2)} ms`, b: '—', ratio: '—', met: a === null ? null : a < 10 });
  }
  const bu = s.bundle;
  if (bu) {
    const a = med(bu, 'A', 'firstLoadGzipKB');
    out.push({ what: 'first-load JS (gzip)', target: '≤ 110 KB', a: `${fmt(a, 1)} KB`, b: '—', ratio: '—', met: a === null ? null : a <= 110 });
  }
  return out;
}

export async function writeReport(file: string, info: RunInfo, s: Record<string, ScenarioData>, rawRel: string): Promise<void> {
  const o = info.options;
  const kinds = SERVER_KINDS.filter((k) => o.servers.includes(k));
  const largest = Math.max(...o.connectSizes);
  const plotDir = path.join(path.dirname(file), 'plots');
  mkdirSync(plotDir, { recursive: true });
  const prefix = info.mode === 'full' ? '' : 'quick-';

  // Plots: latency against load (the sweep), connect time against clients.
  const rates = [...new Set([o.everydayBase, o.everydayBurst, ...o.sweepRates])].sort((a, b) => a - b);
  const latency: Point[] = [];
  for (const rate of rates) {
    for (const k of kinds) {
      for (const [key, series] of [['deliveryP50', 'p50'], ['deliveryP99', 'p99']] as const) {
        const v = med(s[`sweep-${rate}`], k, key);
        if (v !== null) latency.push({ server: k, x: rate, y: v, series });
      }
    }
  }
  const connect: Point[] = [];
  for (const size of o.connectSizes) {
    for (const k of kinds) {
      const v = med(s[`connect-${size}`], k, 'connectS');
      if (v !== null) connect.push({ server: k, x: size, y: v, series: 'median' });
    }
  }
  const plots: string[] = [];
  if (latency.length) {
    await renderSvg(lineSpec(`Delivery latency against load (${largest} connected)`, 'messages/s', 'delivery latency at receivers (ms)', latency, { logY: true }), path.join(plotDir, `${prefix}latency-vs-load.svg`));
    plots.push(`![latency against load](plots/${prefix}latency-vs-load.svg)`);
  }
  if (connect.length) {
    await renderSvg(lineSpec('Connect storm: time until all connected', 'clients', 'seconds', connect), path.join(plotDir, `${prefix}connect-vs-clients.svg`));
    plots.push(`![connect time against clients](plots/${prefix}connect-vs-clients.svg)`);
  }

  const t = targets(s, largest);
  const mark = (m: boolean | null) => (m === null ? 'not measured' : m ? 'met' : '**not met**');
  const summary = [
    '| measured | target | A | B | A/B | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...t.map((r) => `| ${r.what} | ${r.target} | ${r.a} | ${r.b} | ${r.ratio} | ${mark(r.met)} |`),
  ].join('\n');

  const sweepRows = rates.map(
    (rate) =>
      `| ${rate} | ${kinds.map((k) => `${fmt(med(s[`sweep-${rate}`], k, 'deliveryP50'), 1)} / ${fmt(med(s[`sweep-${rate}`], k, 'deliveryP99'), 1)} / ${fmt(med(s[`sweep-${rate}`], k, 'eventLoopP99'), 1)}`).join(' | ')} |`,
  );
  const genElus = Object.values(s).flatMap((d) => kinds.flatMap((k) => (d.trials[k] ?? []).map((r) => r.genElu))).filter((v): v is number => typeof v === 'number');
  const order = [...o.connectSizes.map((n) => `connect-${n}`), 'everyday', 'reconnect', 'ceiling-parallel', 'ceiling-busy', 'history', 'bundle', 'soak'];
  const m = info.machine;
  const text = `# Benchmark results (${info.mode} pass)

Generated by \`bench/suite/run.ts\`; overwritten by every ${info.mode} run. Raw numbers: \`${rawRel}\`.

- **Date:** ${info.startedAt} (took ${info.minutes.toFixed(1)} min)
- **Command:** \`${info.command}\`
- **Machine:** ${m.cpus} CPU(s) (${m.cpuModel}), ${m.memoryGB.toFixed(1)} GB memory, ${m.platform}, Node ${m.node}; load average at start ${m.loadAvgAtStart.join(' / ')}
- **Database:** ${info.database}, the same process for A, B and N (a fresh database name per session; the history page's million messages on a stand-in process of their own, stopped after it)
- **Servers:** ${kinds.map((k) => SERVER_NAMES[k]).join('; ')}, each its own Node process; the load generator its own process
- **Trials:** ${o.trials}, interleaved A, B, N, A, B, N …; each cell is the median with (min–max) over trials
- **Sizes:** connect storm ${o.connectSizes.join(' / ')} sockets (${o.connectConcurrency} handshakes in flight); everyday ${o.everydaySeconds} s at ${o.everydayBase}/s with ${o.burstSeconds} s bursts of ${o.everydayBurst}/s every ${o.burstEverySeconds} s; sweep ${o.sweepRates.join(', ')} msg/s × ${o.sweepSeconds} s; ceiling ${o.ceilingConversations} conversations × ${o.ceilingWindow} in flight for ${o.ceilingSeconds} s, busy conversation ${o.busySenders} senders; reconnect traffic ${o.reconnectRate} msg/s, backoff ${o.backoffMinMs}–${o.backoffMaxMs} ms ±${o.backoffJitter * 100} %; history ${o.historyMessages.toLocaleString('en-US')} messages × ${o.historyRequests} requests; soak ${o.soakSeconds} s of ${o.soakClients}-client cycles

## Summary against the targets of issue 7

${summary}

The load generator's event-loop utilisation peaked at ${fmt(Math.max(0, ...genElus), 2)} (1.00 would mean the generator, not the server, set the pace).

${plots.join('\n\n')}

## Latency against load (${largest} connected; ${o.everydayBase} and ${o.everydayBurst} msg/s are the everyday load's base and bursts, the others steady sweeps)

| msg/s | ${kinds.map((k) => `${k}: delivery p50 / p99 / loop delay p99 (ms)`).join(' | ')} |
| --- | ${kinds.map(() => '---').join(' | ')} |
${sweepRows.join('\n')}

## Scenarios

${order.map((id) => scenarioTable(id, s[id], kinds)).filter(Boolean).join('\n')}
## How it is measured

- **Connect storm:** the generator opens the sockets with ${o.connectConcurrency} handshakes in flight (hand-framed Socket.IO over \`ws\`, auth \`{token}\`); each client then sends \`presence:watch\` with the members of its conversations (its group of 10 and its department channel of 100). A server that does not answer it (no ack within 3 s, or an error ack) is marked "not supported" and clients go on without. Presence frames are counted per socket until none arrived for ${o.presenceQuietMs} ms, whether a frame is one object or an array (entries count the people in it). Heap per connection: heap after forced GC with everyone connected minus before, divided by the connections.
- **Everyday load:** random connected people send to their group (80 %) or channel (20 %); delivery latency is measured at every receiving socket other than the sender's (\`message:new\` arrival minus the send), event-loop delay inside the server with \`perf_hooks.monitorEventLoopDelay\`.
- **Reconnect storm:** traffic runs (${o.reconnectRate} msg/s), the server is SIGKILLed and restarted on the same port; every client reconnects with jittered exponential backoff, catches up (A: \`POST /api/sync\` when the server offers it, else \`GET /api/conversations/:id/messages?after=\` per conversation; B and N: their one catch-up route per conversation), and resends unacknowledged messages with the same \`clientMsgId\`. A client is caught up when its catch-up requests are done. Lost: an acknowledged message missing at a tracked member; doubled: one \`clientMsgId\` seen as two messages.
- **Ceiling:** each sender keeps ${o.ceilingWindow} sends in flight; one sender and one receiver connected per conversation. Server CPU is the server process's \`process.cpuUsage()\` over the measurement divided by acknowledged messages; database CPU from /proc.
- **History:** A only, bulk-seeded directly in the database (with the search fields and indexes the server keeps, so no backfill runs); sequential requests over one kept-alive \`node:http\` connection after ${HISTORY_WARMUP} warm-up pages (the first page after the start is reported on its own).
- **Bundle:** \`npm run build:client\`, gzip level 9 of the JS that \`index.html\` loads up front (module scripts and modulepreloads).
- **Soak:** A, B and N soak side by side, each with its own generator; heap after forced GC (the server child runs with \`--expose-gc\`) after a warm-up cycle and ${o.soakSettleMs / 1000} s (longer than the presence grace period), and again at the end after the same wait.
- The machine is shared: look at the spreads and the generator's utilisation before trusting a ratio.

Session durations (s): ${Object.entries(info.sessionSeconds).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}.
`;
  writeFileSync(file, text);
}
