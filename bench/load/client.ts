/**
 * The load generator: its own process, holding up to thousands of lean sockets (socket.ts),
 * driven by the suite over IPC. Every reply carries the generator's own CPU time and event-loop
 * utilisation, so a reader can see whether the generator, not the server, was the bottleneck.
 */
import { performance } from 'node:perf_hooks';
import { catchUp, probeSync, syncCursor, type CatchUpMode } from './catchup.js';
import { LeanSocket } from './socket.js';
import { summarize, type Summary } from '../report/stats.js';

export interface ClientSpec {
  userId: string;
  token: string;
  conversationIds: string[];
  watch: string[];
}

interface Client {
  spec: ClientSpec;
  sock?: LeanSocket;
  presenceFrames: number;
  presenceEntries: number;
  lastSeq: Map<string, number>;
  cursor?: unknown;
  /** clientMsgId → message ids seen (reconnect scenario only). */
  seen?: Map<string, Set<string>>;
  reconnect?: { attempts: number; requests: number; failed: number; firstAttemptAt?: number; connectedAt?: number; caughtUpAt?: number; gaveUp?: boolean };
}

interface Pending {
  sentAt: number;
  phase: number;
  conversationId: string;
}

const clients: Client[] = [];
let wsUrl = '';
let httpUrl = '';
let catchUpMode: CatchUpMode = 'per-conversation';
let watchSupported: boolean | null = null;
let presenceLastAt = 0;
let msgCounter = 0;
const tag = `g${process.pid.toString(36)}${Date.now().toString(36)}`;
const pending = new Map<string, Pending>();
/** Delivery latencies per load phase, measured when message:new reaches a member other than the sender. */
let deliveries: number[][] = [];
let deliveryPhaseOpen = false;

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onEvent(client: Client, event: string, payload: unknown): void {
  if (event === 'presence') {
    client.presenceFrames++;
    client.presenceEntries += Array.isArray(payload) ? payload.length : 1;
    presenceLastAt = now();
    return;
  }
  if (event !== 'message:new') return;
  const m = (payload as { message: { id: string; conversationId: string; seq: number; senderId: string; clientMsgId: string } }).message;
  if ((client.lastSeq.get(m.conversationId) ?? 0) < m.seq) client.lastSeq.set(m.conversationId, m.seq);
  lastDeliveryAt = now();
  if (client.seen) {
    const ids = client.seen.get(m.clientMsgId) ?? new Set<string>();
    ids.add(m.id);
    client.seen.set(m.clientMsgId, ids);
  }
  if (deliveryPhaseOpen && m.senderId !== client.spec.userId) {
    const p = pending.get(m.clientMsgId);
    if (p) deliveries[p.phase]?.push(now() - p.sentAt);
  }
}

function makeSocket(client: Client, onClose: () => void): LeanSocket {
  return new LeanSocket(wsUrl, client.spec.token, (e, p) => onEvent(client, e, p), onClose);
}

// ── connect / watch ─────────────────────────────────────────────

async function watch(client: Client, timeoutMs: number): Promise<boolean> {
  const ack = (await Promise.race([
    client.sock!.emitWithAck('presence:watch', { userIds: client.spec.watch }).catch(() => null),
    sleep(timeoutMs).then(() => null),
  ])) as { ok?: boolean } | null;
  return ack?.ok === true;
}

async function connectRange(from: number, to: number, concurrency: number, useWatch: boolean, timeoutMs: number) {
  const t0 = now();
  let next = from;
  let connected = 0;
  let failed = 0;
  const errors: string[] = [];
  let lastConnectedAt = t0;
  const watchAcks: Promise<unknown>[] = [];
  // Does this server know presence:watch? The first connected socket asks (no ack within 3 s, or
  // an error ack: no); the others wait for that answer before watching, without holding up connects.
  let decide: (ok: boolean) => void = () => {};
  const decided = watchSupported !== null ? Promise.resolve(watchSupported) : new Promise<boolean>((r) => (decide = r));
  let probing = false;
  const lane = async () => {
    while (next < to) {
      const c = clients[next++]!;
      c.sock = makeSocket(c, () => {});
      try {
        await c.sock.connect(timeoutMs);
        connected++;
        lastConnectedAt = now();
        if (!useWatch) continue;
        if (watchSupported === null && !probing) {
          probing = true;
          watchAcks.push(watch(c, 3_000).then((ok) => decide((watchSupported = ok))));
        } else {
          watchAcks.push(decided.then((ok) => ok && watch(c, 30_000)));
        }
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const connectMs = lastConnectedAt - t0;
  if (useWatch && !probing && watchSupported === null) decide(false);
  await Promise.all(watchAcks);
  return { connectMs, withWatchMs: now() - t0, connected, failed, errors, watch: useWatch ? (watchSupported ? 'supported' : 'not supported') : 'off' };
}

function presenceCounters() {
  const frames = clients.filter((c) => c.sock).map((c) => c.presenceFrames);
  const entries = clients.filter((c) => c.sock).map((c) => c.presenceEntries);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    frames: sum(frames),
    entries: sum(entries),
    perClientFrames: frames.length ? sum(frames) / frames.length : 0,
    perClientEntries: entries.length ? sum(entries) / entries.length : 0,
    maxClientFrames: Math.max(0, ...frames),
    watchedPerClient: clients.length ? sum(clients.map((c) => c.spec.watch.length)) / clients.length : 0,
  };
}

async function waitQuiet(quietMs: number, timeoutMs: number) {
  const t0 = now();
  presenceLastAt = Math.max(presenceLastAt, t0);
  while (now() - presenceLastAt < quietMs) {
    if (now() - t0 > timeoutMs) return { waitedMs: now() - t0, quiet: false };
    await sleep(Math.min(200, quietMs / 4));
  }
  return { waitedMs: now() - t0, quiet: true };
}

// ── sending ─────────────────────────────────────────────────────

function connectedClients(): Client[] {
  return clients.filter((c) => c.sock?.connected);
}

function send(c: Client, conversationId: string, phase: number, clientMsgId = `${tag}-${++msgCounter}`) {
  const sentAt = now();
  pending.set(clientMsgId, { sentAt, phase, conversationId });
  return c.sock!.emitWithAck('message:send', { conversationId, clientMsgId, body: `ベンチ ${clientMsgId}` }).then(
    (ack) => ({ ok: (ack as { ok?: boolean }).ok === true, ms: now() - sentAt, ack: ack as { message?: { id: string; seq: number } }, clientMsgId }),
    () => ({ ok: false, ms: now() - sentAt, ack: null, clientMsgId }),
  );
}

interface Phase {
  label: string;
  rate: number;
  seconds: number;
}

/** Sends at each phase's rate (messages/s across everyone) from random connected people. */
async function load(phases: Phase[], channelShare: number) {
  deliveries = phases.map(() => []);
  deliveryPhaseOpen = true;
  const acks: number[][] = phases.map(() => []);
  const failed = phases.map(() => 0);
  const sent = phases.map(() => 0);
  const inflight: Promise<unknown>[] = [];
  const pool = connectedClients();
  for (let p = 0; p < phases.length; p++) {
    const { rate, seconds } = phases[p]!;
    const start = now();
    let done = 0;
    while (now() - start < seconds * 1000) {
      const due = Math.floor(((now() - start) / 1000) * rate);
      for (; done < due; done++) {
        const c = pool[Math.floor(Math.random() * pool.length)]!;
        if (!c.sock?.connected) continue;
        const conv = Math.random() < channelShare ? c.spec.conversationIds[1] ?? c.spec.conversationIds[0]! : c.spec.conversationIds[0]!;
        sent[p]!++;
        inflight.push(send(c, conv, p).then((r) => (r.ok ? acks[p]!.push(r.ms) : failed[p]!++)));
      }
      await sleep(5);
    }
  }
  await Promise.race([Promise.all(inflight), sleep(30_000)]);
  // The last deliveries: wait until none arrived for a second.
  const t1 = now();
  lastDeliveryAt = now();
  while (now() - lastDeliveryAt < 1_000 && now() - t1 < 30_000) await sleep(100);
  deliveryPhaseOpen = false;
  const out = phases.map((ph, p) => ({
    ...ph,
    sent: sent[p],
    acked: acks[p]!.length,
    failed: failed[p],
    ack: summarize(acks[p]!),
    delivery: summarize(deliveries[p]!),
  }));
  const all = {
    sent: sent.reduce((a, b) => a + b, 0),
    acked: acks.reduce((a, b) => a + b.length, 0),
    failed: failed.reduce((a, b) => a + b, 0),
    ack: summarize(acks.flat()),
    delivery: summarize(deliveries.flat()),
  };
  // Phases with the same label (the everyday load's bursts) merged: latency at that rate.
  const byLabel: Record<string, { rate: number; acked: number; ack: Summary; delivery: Summary }> = {};
  for (const label of new Set(phases.map((ph) => ph.label))) {
    const idx = phases.map((ph, p) => (ph.label === label ? p : -1)).filter((p) => p >= 0);
    byLabel[label] = {
      rate: phases[idx[0]!]!.rate,
      acked: idx.reduce((a, p) => a + acks[p]!.length, 0),
      ack: summarize(idx.flatMap((p) => acks[p]!)),
      delivery: summarize(idx.flatMap((p) => deliveries[p]!)),
    };
  }
  pending.clear();
  deliveries = [];
  return { phases: out, all, byLabel };
}

/** Each sender keeps `window` sends in flight into its conversation for `seconds`. */
async function ceiling(senders: { client: number; conversationId: string }[], window: number, seconds: number) {
  const acks: number[] = [];
  let failed = 0;
  const t0 = now();
  const end = t0 + seconds * 1000;
  const lane = async (s: { client: number; conversationId: string }) => {
    const c = clients[s.client]!;
    while (now() < end && c.sock?.connected) {
      const r = await send(c, s.conversationId, 0);
      pending.delete(r.clientMsgId);
      if (r.ok) acks.push(r.ms);
      else failed++;
    }
  };
  await Promise.all(senders.flatMap((s) => Array.from({ length: window }, () => lane(s))));
  const ms = now() - t0;
  return { acked: acks.length, failed, ms, rate: acks.length / (ms / 1000), ack: summarize(acks) };
}

// ── reconnect storm ─────────────────────────────────────────────

let killAt = 0;
let readyAt = 0;
let backoff = { minMs: 1000, maxMs: 5000, jitter: 0.5 };
const acked = new Map<string, { conversationId: string; id: string; beforeKill: boolean }>();
const outbox: { client: Client; conversationId: string; clientMsgId: string }[] = [];
let traffic: { stop: boolean; done: Promise<void> } | undefined;
let refusedSends = 0;
let syncProbeStatus: number | null = null;
let lastDeliveryAt = 0;
const reconnectErrors = new Map<string, number>();

function scheduleReconnect(c: Client): void {
  const r = c.reconnect!;
  const base = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(r.attempts, 10));
  const delay = base * (1 - backoff.jitter + Math.random() * 2 * backoff.jitter);
  setTimeout(() => void reconnectOnce(c), delay);
}

async function reconnectOnce(c: Client): Promise<void> {
  const r = c.reconnect!;
  r.attempts++;
  r.firstAttemptAt ??= now();
  const sock = makeSocket(c, () => onDrop(c));
  // What this client had when the new connection began: live messages may arrive in the same
  // network read as the connect packet, and must not move the catch-up cursor past a gap.
  let had = new Map(c.lastSeq);
  try {
    await sock.connect(20_000, () => (had = new Map(c.lastSeq)));
  } catch (err) {
    const key = (err as Error).message.slice(0, 80);
    reconnectErrors.set(key, (reconnectErrors.get(key) ?? 0) + 1);
    if (now() - killAt > 300_000) r.gaveUp = true;
    else scheduleReconnect(c);
    return;
  }
  c.sock = sock;
  r.connectedAt = now();
  if (watchSupported) void watch(c, 30_000);
  // A failed catch-up is tried again (a real client would), up to five times.
  for (let attempt = 0; attempt < 5; attempt++) {
    let failed = 0;
    try {
      const res = await catchUp(catchUpMode, httpUrl, c.spec.token, { cursor: c.cursor, lastSeq: had });
      r.requests += res.requests;
      failed = res.failed;
      if (res.cursor !== undefined) c.cursor = res.cursor;
      for (const m of res.messages) {
        const ids = c.seen!.get(m.clientMsgId) ?? new Set<string>();
        ids.add(m.id);
        c.seen!.set(m.clientMsgId, ids);
        if ((c.lastSeq.get(m.conversationId) ?? 0) < m.seq) c.lastSeq.set(m.conversationId, m.seq);
        if ((had.get(m.conversationId) ?? 0) < m.seq) had.set(m.conversationId, m.seq);
      }
    } catch {
      failed = 1;
    }
    r.failed += failed;
    if (!failed) break;
    await sleep(1_000 * (attempt + 1));
  }
  r.caughtUpAt = now();
  // The outbox: sends that never got their ack go again, with the same clientMsgId.
  for (let i = outbox.length - 1; i >= 0; i--) {
    const o = outbox[i]!;
    if (o.client !== c) continue;
    outbox.splice(i, 1);
    void trackedSend(c, o.conversationId, o.clientMsgId);
  }
}

function onDrop(c: Client): void {
  c.reconnect = { attempts: 0, requests: 0, failed: 0 };
  scheduleReconnect(c);
}

function trackedSend(c: Client, conversationId: string, clientMsgId?: string): Promise<void> {
  if (!c.sock?.connected) {
    if (clientMsgId) outbox.push({ client: c, conversationId, clientMsgId });
    return Promise.resolve();
  }
  return send(c, conversationId, 0, clientMsgId).then((r) => {
    pending.delete(r.clientMsgId);
    if (r.ok && r.ack?.message) acked.set(r.clientMsgId, { conversationId, id: r.ack.message.id, beforeKill: killAt === 0 });
    // No answer (the connection dropped): the outbox sends it again. An error answer is final.
    else if (r.ack === null) outbox.push({ client: c, conversationId, clientMsgId: r.clientMsgId });
    else refusedSends++;
  });
}

async function prepareReconnect(opts: { backoff: typeof backoff }) {
  backoff = opts.backoff;
  killAt = 0;
  readyAt = 0;
  acked.clear();
  outbox.length = 0;
  refusedSends = 0;
  reconnectErrors.clear();
  const conn = connectedClients();
  for (const c of conn) {
    c.seen = new Map();
    c.presenceFrames = c.presenceEntries = 0;
    // Our own close handler: a dropped socket reconnects with jittered backoff, then catches up.
    const old = c.sock!;
    old.onClose = () => onDrop(c);
  }
  // Which catch-up this server offers.
  const first = conn[0];
  if (httpUrl && first && catchUpMode !== 'bench-route') {
    const probe = await probeSync(httpUrl, first.spec.token);
    syncProbeStatus = probe.status;
    catchUpMode = probe.supported ? 'sync' : 'per-conversation';
    if (probe.supported) {
      first.cursor = probe.cursor;
      const lanes = 50;
      let i = 1;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (i < conn.length) {
            const c = conn[i++]!;
            c.cursor = await syncCursor(httpUrl, c.spec.token).catch(() => undefined);
          }
        }),
      );
    }
  }
  return { catchUp: catchUpMode, syncProbeStatus, clients: conn.length };
}

function startTraffic(rate: number): void {
  const state = { stop: false, done: Promise.resolve() };
  const inflight: Promise<unknown>[] = [];
  state.done = (async () => {
    const start = now();
    let done = 0;
    while (!state.stop) {
      const due = Math.floor(((now() - start) / 1000) * rate);
      for (; done < due; done++) {
        const pool = connectedClients();
        if (!pool.length) continue;
        const c = pool[Math.floor(Math.random() * pool.length)]!;
        const conv = c.spec.conversationIds[Math.random() < 0.2 ? 1 : 0] ?? c.spec.conversationIds[0]!;
        inflight.push(trackedSend(c, conv));
      }
      await sleep(10);
    }
    await Promise.race([Promise.all(inflight), sleep(30_000)]);
  })();
  traffic = state;
}

async function stopTraffic(timeoutMs: number) {
  if (!traffic) return { outboxLeft: 0 };
  traffic.stop = true;
  await traffic.done;
  const t0 = now();
  while (outbox.length && now() - t0 < timeoutMs) await sleep(200);
  // The last acknowledged sends are still being delivered: wait until deliveries stop.
  const t1 = now();
  lastDeliveryAt = now();
  while (now() - lastDeliveryAt < 2_000 && now() - t1 < 60_000) await sleep(200);
  return { outboxLeft: outbox.length, deliveryWaitMs: now() - t1 };
}

/** How many of the given times fall in each second after the kill. */
function perSecond(times: (number | undefined)[]): number[] {
  const bins: number[] = [];
  for (const t of times) {
    if (t === undefined) continue;
    const k = Math.max(0, Math.floor((t - killAt) / 1000));
    while (bins.length <= k) bins.push(0);
    bins[k]!++;
  }
  return bins;
}

async function waitCaughtUp(timeoutMs: number) {
  const tracked = clients.filter((c) => c.seen);
  const t0 = now();
  while (now() - t0 < timeoutMs) {
    const done = tracked.filter((c) => c.reconnect?.caughtUpAt !== undefined).length;
    if (done === tracked.length) break;
    await sleep(200);
  }
  const times = tracked
    .map((c) => c.reconnect?.caughtUpAt)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  const at = (fraction: number) => {
    const k = Math.ceil(fraction * tracked.length) - 1;
    return k < times.length ? times[k]! : undefined;
  };
  const since = (t: number | undefined, from: number) => (t === undefined ? null : t - from);
  const reqs = tracked.map((c) => c.reconnect?.requests ?? 0);
  return {
    clients: tracked.length,
    caughtUp: times.length,
    t99FromKillMs: since(at(0.99), killAt),
    t99FromReadyMs: since(at(0.99), readyAt),
    t100FromKillMs: since(at(1), killAt),
    requestsPerClient: reqs.reduce((a, b) => a + b, 0) / Math.max(1, reqs.length),
    maxRequests: Math.max(0, ...reqs),
    attemptsPerClient: tracked.reduce((a, c) => a + (c.reconnect?.attempts ?? 0), 0) / Math.max(1, tracked.length),
    failedRequests: tracked.reduce((a, c) => a + (c.reconnect?.failed ?? 0), 0),
    catchUp: catchUpMode,
    connectedNow: tracked.filter((c) => c.sock?.connected).length,
    // Presence pushes received since the kill (the watch acknowledgements not counted).
    presenceFramesPerClient: tracked.reduce((a, c) => a + c.presenceFrames, 0) / Math.max(1, tracked.length),
    presenceEntriesPerClient: tracked.reduce((a, c) => a + c.presenceEntries, 0) / Math.max(1, tracked.length),
    // Per second after the kill: clients that made their first attempt, got connected, were caught up.
    timeline: {
      firstAttempt: perSecond(tracked.map((c) => c.reconnect?.firstAttemptAt)),
      connected: perSecond(tracked.map((c) => c.reconnect?.connectedAt)),
      caughtUp: perSecond(tracked.map((c) => c.reconnect?.caughtUpAt)),
    },
    reconnectErrors: Object.fromEntries(reconnectErrors),
  };
}

/** Every acknowledged message must be at every tracked member exactly once. */
function verify() {
  let lost = 0;
  let lostBeforeKill = 0;
  let doubled = 0;
  let checked = 0;
  let notCaughtUp = 0;
  for (const c of clients) {
    if (!c.seen) continue;
    // A client still reconnecting when the wait ended is reported as such, not as losses.
    if (c.reconnect && c.reconnect.caughtUpAt === undefined) {
      notCaughtUp++;
      continue;
    }
    const mine = new Set(c.spec.conversationIds);
    for (const [clientMsgId, a] of acked) {
      if (!mine.has(a.conversationId)) continue;
      checked++;
      const ids = c.seen.get(clientMsgId);
      if (!ids) {
        lost++;
        if (a.beforeKill) lostBeforeKill++;
      }
    }
    for (const ids of c.seen.values()) if (ids.size > 1) doubled++;
  }
  return { notCaughtUp, refusedSends, acknowledged: acked.size, acknowledgedBeforeKill: [...acked.values()].filter((a) => a.beforeKill).length, checked, lost, lostBeforeKill, doubled };
}

// ── the IPC loop ────────────────────────────────────────────────

type Request = { type: string; id: number; [k: string]: unknown };

async function handle(msg: Request): Promise<object> {
  switch (msg.type) {
    case 'setup': {
      for (const c of clients) c.sock?.close();
      clients.length = 0;
      wsUrl = `${(msg.url as string).replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
      httpUrl = msg.url as string;
      catchUpMode = (msg.catchUp as CatchUpMode | undefined) ?? 'per-conversation';
      watchSupported = null;
      for (const spec of msg.clients as ClientSpec[]) {
        clients.push({ spec, presenceFrames: 0, presenceEntries: 0, lastSeq: new Map(spec.conversationIds.map((id) => [id, 0])) });
      }
      return { clients: clients.length };
    }
    case 'retarget': {
      // The server came back on another address (not used when the port is kept).
      wsUrl = `${(msg.url as string).replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
      httpUrl = msg.url as string;
      return {};
    }
    case 'connect':
      return connectRange(msg.from as number, msg.to as number, msg.concurrency as number, msg.watch as boolean, (msg.timeoutMs as number) ?? 60_000);
    case 'disconnect': {
      for (let i = msg.from as number; i < (msg.to as number); i++) {
        clients[i]?.sock?.close();
        if (clients[i]) clients[i]!.sock = undefined;
      }
      return {};
    }
    case 'presence':
      return presenceCounters();
    case 'resetPresence':
      for (const c of clients) c.presenceFrames = c.presenceEntries = 0;
      return {};
    case 'waitQuiet':
      return waitQuiet(msg.quietMs as number, msg.timeoutMs as number);
    case 'load':
      return load(msg.phases as Phase[], (msg.channelShare as number) ?? 0.2);
    case 'ceiling':
      return ceiling(msg.senders as { client: number; conversationId: string }[], msg.window as number, msg.seconds as number);
    case 'prepareReconnect':
      return prepareReconnect(msg as never);
    case 'startTraffic':
      startTraffic(msg.rate as number);
      return {};
    case 'markKill':
      killAt = now();
      return {};
    case 'markReady':
      readyAt = now();
      return {};
    case 'waitCaughtUp':
      return waitCaughtUp(msg.timeoutMs as number);
    case 'stopTraffic':
      return stopTraffic(msg.timeoutMs as number);
    case 'verify':
      return verify();
    case 'connectedCount':
      return { connected: connectedClients().length };
    default:
      throw new Error(`unknown request ${msg.type}`);
  }
}

process.on('message', (msg: Request) => {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = now();
  handle(msg).then(
    (result) => {
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      process.send!({ type: 'reply', id: msg.id, ...result, gen: { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: now() - t0, elu: elu.utilization } });
    },
    (err: Error) => process.send!({ type: 'reply', id: msg.id, error: err.stack ?? err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
// Exit normally on the suite's SIGTERM, so exit hooks (a --cpu-prof profile) still run.
process.on('SIGTERM', () => process.exit(0));
process.send!({ type: 'ready' });

export type { Summary };
