/**
 * The ceiling: how many acknowledged messages a second the server sustains, and its CPU per
 * message, (1) with 200 conversations sending in parallel and (2) with one busy conversation
 * (a 100-person channel, many senders at once: the per-conversation ordering path).
 */
import { ObjectId } from 'mongodb';
import { GROUP_SIZE, seedOrganisation } from '../suite/database.js';
import { clientSpecs, type Context } from '../suite/context.js';
import { startGenerator } from '../suite/generator.js';
import type { Scope } from '../suite/results.js';
import { cpuMs, startBenchServer, type ServerKind } from '../suite/servers.js';
import { cpuSecondsOf } from '../suite/procstat.js';
import type { Summary } from '../report/stats.js';

type CeilingReply = { acked: number; failed: number; ms: number; rate: number; ack: Summary };

export async function ceilingSession(ctx: Context, scope: Scope, kind: ServerKind, trial: number): Promise<void> {
  const { opts, db, results } = ctx;
  const C = opts.ceilingConversations;
  const dbName = `${ctx.tag}_ceiling_${kind}_t${trial}`;
  scope.defer(() => db.drop(dbName));
  const org = await seedOrganisation(db.client, dbName, Math.max(C * GROUP_SIZE, 100));
  const label = `ceiling-t${trial}`;
  const server = await startBenchServer(kind, db.uriFor(dbName), { label });
  scope.defer(() => server.stop());
  // Sockets: one sender and one receiver per group, then the first channel's 100 members.
  const groups = org.groups.slice(0, C);
  const channel = org.channels[0]!;
  const indices = [...groups.map((g) => g.memberIdx[0]!), ...groups.map((g) => g.memberIdx[1]!), ...channel.memberIdx];
  const gen = await startGenerator(label, server.url, clientSpecs(org, indices));
  scope.defer(() => gen.stop());
  await gen.call('connect', { from: 0, to: indices.length, concurrency: opts.connectConcurrency, watch: false, timeoutMs: 120_000 });
  await gen.call('waitQuiet', { quietMs: opts.presenceQuietMs, timeoutMs: 300_000 });

  const measure = async (id: string, senders: { client: number; conversationId: string }[], conversationId?: string) => {
    // A short unmeasured warm-up first: a freshly started process runs cold code.
    await gen.call('ceiling', { senders, window: opts.ceilingWindow, seconds: Math.min(2, opts.ceilingSeconds / 4) });
    const s0 = await server.stats();
    const d0 = cpuSecondsOf(db.pid);
    const r = await gen.call<CeilingReply>('ceiling', { senders, window: opts.ceilingWindow, seconds: opts.ceilingSeconds });
    const s1 = await server.stats();
    const d1 = cpuSecondsOf(db.pid);
    let seqDuplicates: number | null = null;
    if (conversationId) {
      // Counted over the warm-up too: a seq taken twice is wrong whenever it happens.
      const coll = db.client.db(dbName).collection('messages');
      const dups = await coll
        .aggregate([{ $match: { conversationId: new ObjectId(conversationId) } }, { $group: { _id: '$seq', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
        .toArray();
      seqDuplicates = dups.reduce((a, d) => a + (d.n as number) - 1, 0);
    }
    ctx.log(`  ${id} ${kind}: ${r.rate.toFixed(0)} msg/s acknowledged, ${((cpuMs(s1) - cpuMs(s0)) / Math.max(1, r.acked)).toFixed(2)} ms CPU/msg`);
    results.add(id, kind, {
      conversations: senders.length ? new Set(senders.map((s) => s.conversationId)).size : 0,
      senders: senders.length,
      msgPerS: r.rate,
      acked: r.acked,
      failed: r.failed,
      ackP50: r.ack.p50,
      ackP99: r.ack.p99,
      serverCpuPerMsgMs: (cpuMs(s1) - cpuMs(s0)) / Math.max(1, r.acked),
      serverCpuShare: (cpuMs(s1) - cpuMs(s0)) / r.ms,
      dbCpuPerMsgMs: d0 !== null && d1 !== null ? ((d1 - d0) * 1000) / Math.max(1, r.acked) : null,
      seqDuplicates,
      genCpuS: r.gen.cpuMs / 1000,
      genElu: r.gen.elu,
    });
  };
  await measure('ceiling-parallel', groups.map((g, k) => ({ client: k, conversationId: g.id })));
  const first = 2 * C;
  await measure(
    'ceiling-busy',
    Array.from({ length: Math.min(opts.busySenders, channel.memberIdx.length) }, (_, k) => ({ client: first + k, conversationId: channel.id })),
    channel.id,
  );
}
