/**
 * Starting the three servers as child processes over one database, and asking them for their
 * CPU, heap and event-loop delay through the bench probe.
 */
import { firstMessage, makeRpc, spawnScript, stopChild, type Spawned } from './children.js';
import type { ProbeStats } from '../servers/probe.js';

export type ServerKind = 'A' | 'B' | 'N';
export const SERVER_KINDS: ServerKind[] = ['A', 'B', 'N'];
export const SERVER_NAMES: Record<ServerKind, string> = {
  A: 'A (this server)',
  B: 'B (minimal Socket.IO)',
  N: 'N (naive mongoose)',
};
const SCRIPTS: Record<ServerKind, string> = {
  A: 'bench/servers/product.ts',
  B: 'bench/servers/minimal.ts',
  N: 'bench/servers/naive.ts',
};

export interface BenchServer {
  kind: ServerKind;
  url: string;
  port: number;
  pid: number;
  stats(): Promise<ProbeStats>;
  /** Heap after two forced collections. */
  gcStats(): Promise<ProbeStats>;
  resetEventLoopDelay(): Promise<void>;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startBenchServer(kind: ServerKind, dbUri: string, opts: { port?: number; config?: object; label: string }): Promise<BenchServer> {
  const spawned: Spawned = await spawnScript(SCRIPTS[kind], {
    name: `${opts.label}-${kind}-${++counter}`,
    nodeArgs: ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      BENCH_DB_URI: dbUri,
      BENCH_PORT: String(opts.port ?? 0),
      BENCH_CONFIG: JSON.stringify(opts.config ?? {}),
      NODE_ENV: 'production',
    },
  });
  const { port } = await firstMessage<{ port: number }>(spawned, 'ready', 120_000);
  const rpc = makeRpc(spawned.child);
  return {
    kind,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: spawned.child.pid!,
    stats: async () => (await rpc<{ stats: ProbeStats }>({ type: 'stats' })).stats,
    gcStats: async () => (await rpc<{ stats: ProbeStats }>({ type: 'gc' }, 120_000)).stats,
    resetEventLoopDelay: async () => {
      await rpc({ type: 'eld-reset' });
    },
    kill: async () => {
      spawned.child.kill('SIGKILL');
      await spawned.exited;
    },
    stop: () => stopChild(spawned, 10_000),
  };
}

/** Restart on a given port (the reconnect storm needs the same address); retries while it is still taken. */
export async function restartOnPort(kind: ServerKind, dbUri: string, port: number, opts: { config?: object; label: string }): Promise<BenchServer> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await startBenchServer(kind, dbUri, { ...opts, port });
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw lastErr;
}

export const cpuMs = (s: ProbeStats) => (s.cpuUserUs + s.cpuSystemUs) / 1000;
