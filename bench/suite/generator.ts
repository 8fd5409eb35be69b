/** The load generator child (bench/load/client.ts) as seen from the suite. */
import { firstMessage, makeRpc, spawnScript, stopChild, type Spawned } from './children.js';
import type { ClientSpec } from '../load/client.js';

export interface GenUsage {
  cpuMs: number;
  wallMs: number;
  elu: number;
}

export interface Generator {
  call<T = Record<string, unknown>>(type: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T & { gen: GenUsage }>;
  stop(): Promise<void>;
}

let counter = 0;

/** BENCH_GENERATOR_NODE_ARGS: Node flags for the generator's process (e.g. "--cpu-prof", to see where its time goes). */
function generatorNodeArgs(): string[] {
  return (process.env.BENCH_GENERATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

export async function startGenerator(label: string, url: string, clients: ClientSpec[], catchUp?: string): Promise<Generator> {
  const spawned: Spawned = await spawnScript('bench/load/client.ts', { name: `${label}-gen-${++counter}`, nodeArgs: ['--max-old-space-size=4096', ...generatorNodeArgs()] });
  await firstMessage(spawned, 'ready', 120_000);
  const rpc = makeRpc(spawned.child);
  const gen: Generator = {
    call: (type, args = {}, timeoutMs = 600_000) => rpc({ type, ...args }, timeoutMs),
    stop: () => stopChild(spawned, 3_000),
  };
  await gen.call('setup', { url, clients, catchUp });
  return gen;
}
