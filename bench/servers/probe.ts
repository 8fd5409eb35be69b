import { writeHeapSnapshot } from 'node:v8';
/**
 * What a bench server child tells the suite over its IPC channel: CPU time, memory, event-loop
 * delay, and a heap after a forced GC (the child runs with --expose-gc). Only these bench
 * wrappers load it; nothing of it is in the product.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeStats {
  cpuUserUs: number;
  cpuSystemUs: number;
  heapUsed: number;
  rss: number;
  /** Event-loop delay since the last reset, in ms. */
  eld: { p50: number; p99: number; max: number; mean: number };
}

type Request = { type: 'stats' | 'gc' | 'eld-reset'; id: number };

export function attachProbe(port: number): void {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const stats = (): ProbeStats => {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    return {
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      heapUsed: mem.heapUsed,
      rss: mem.rss,
      eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) },
    };
  };
  process.on('message', (msg: Request) => {
    if (msg.type === 'eld-reset') eld.reset();
    if (msg.type === 'gc') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      // For finding what a connection costs: a snapshot after each forced GC, to compare in DevTools.
      const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
      if (dir) writeHeapSnapshot(`${dir}/heap-${process.pid}-${Date.now()}.heapsnapshot`);
    }
    process.send?.({ type: 'reply', id: msg.id, stats: stats() });
  });
  // The suite is gone (crashed or killed): do not outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
}
