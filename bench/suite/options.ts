/**
 * Sizes, durations and trials of a run: a preset (quick or full), then BENCH_* environment
 * variables, then --flags (see bench/README.md for the list).
 */
import { parseArgs } from 'node:util';
import type { ServerKind } from './servers.js';

export interface Options {
  mode: 'quick' | 'full';
  trials: number;
  servers: ServerKind[];
  scenarios: string[];
  /** Connect storm sizes; the largest also carries the everyday load and the reconnect storm. */
  connectSizes: number[];
  connectConcurrency: number;
  everydaySeconds: number;
  everydayBase: number;
  everydayBurst: number;
  burstEverySeconds: number;
  burstSeconds: number;
  sweepRates: number[];
  sweepSeconds: number;
  ceilingConversations: number;
  ceilingSeconds: number;
  ceilingWindow: number;
  busySenders: number;
  reconnectRate: number;
  reconnectTimeoutS: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  backoffJitter: number;
  historyMessages: number;
  historyRequests: number;
  /** Stop a history trial after this long even if fewer requests were made. */
  historyBudgetS: number;
  soakSeconds: number;
  soakClients: number;
  soakSettleMs: number;
  presenceQuietMs: number;
  sessionTimeoutS: number;
}

const PRESETS: Record<'quick' | 'full', Omit<Options, 'mode' | 'servers' | 'scenarios'>> = {
  quick: {
    trials: 3,
    connectSizes: [1000],
    connectConcurrency: 100,
    everydaySeconds: 10,
    everydayBase: 10,
    everydayBurst: 50,
    burstEverySeconds: 10,
    burstSeconds: 2,
    sweepRates: [100],
    sweepSeconds: 3,
    ceilingConversations: 100,
    ceilingSeconds: 3,
    ceilingWindow: 2,
    busySenders: 20,
    reconnectRate: 10,
    reconnectTimeoutS: 120,
    backoffMinMs: 1000,
    backoffMaxMs: 5000,
    backoffJitter: 0.5,
    historyMessages: 100_000,
    historyRequests: 200,
    historyBudgetS: 30,
    soakSeconds: 30,
    soakClients: 200,
    soakSettleMs: 17_000,
    presenceQuietMs: 2_000,
    sessionTimeoutS: 600,
  },
  full: {
    trials: 3,
    connectSizes: [1000, 3000],
    connectConcurrency: 100,
    everydaySeconds: 60,
    everydayBase: 10,
    everydayBurst: 50,
    burstEverySeconds: 10,
    burstSeconds: 2,
    sweepRates: [25, 100, 200],
    sweepSeconds: 6,
    ceilingConversations: 200,
    ceilingSeconds: 10,
    ceilingWindow: 2,
    busySenders: 20,
    reconnectRate: 10,
    reconnectTimeoutS: 180,
    backoffMinMs: 1000,
    backoffMaxMs: 5000,
    backoffJitter: 0.5,
    historyMessages: 1_000_000,
    historyRequests: 1000,
    historyBudgetS: 120,
    soakSeconds: 600,
    soakClients: 500,
    soakSettleMs: 17_000,
    presenceQuietMs: 3_000,
    sessionTimeoutS: 1200,
  },
};

export const ALL_SCENARIOS = ['connect', 'everyday', 'reconnect', 'ceiling', 'history', 'bundle', 'soak'];

const numList = (v: string) => v.split(',').map((x) => Number(x.trim())).filter((x) => Number.isFinite(x) && x > 0);

export function readOptions(argv = process.argv.slice(2), env = process.env): Options {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      full: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      trials: { type: 'string' },
      servers: { type: 'string' },
      scenarios: { type: 'string' },
      'connect-sizes': { type: 'string' },
      'connect-concurrency': { type: 'string' },
      'everyday-seconds': { type: 'string' },
      'sweep-rates': { type: 'string' },
      'sweep-seconds': { type: 'string' },
      'ceiling-conversations': { type: 'string' },
      'ceiling-seconds': { type: 'string' },
      'ceiling-window': { type: 'string' },
      'history-messages': { type: 'string' },
      'history-requests': { type: 'string' },
      'history-budget-s': { type: 'string' },
      'soak-seconds': { type: 'string' },
      'soak-clients': { type: 'string' },
      'reconnect-rate': { type: 'string' },
    },
  });
  const mode = values.full || env.BENCH_MODE === 'full' ? 'full' : 'quick';
  const o: Options = { mode, servers: ['A', 'B', 'N'], scenarios: [...ALL_SCENARIOS], ...PRESETS[mode] };
  const pick = (flag: string, envName: string): string | undefined => (values as unknown as Record<string, string | undefined>)[flag] ?? env[envName];
  const num = (flag: string, envName: string, key: keyof Options) => {
    const v = pick(flag, envName);
    if (v !== undefined) (o as unknown as Record<string, number>)[key] = Number(v);
  };
  num('trials', 'BENCH_TRIALS', 'trials');
  num('connect-concurrency', 'BENCH_CONNECT_CONCURRENCY', 'connectConcurrency');
  num('everyday-seconds', 'BENCH_EVERYDAY_SECONDS', 'everydaySeconds');
  num('sweep-seconds', 'BENCH_SWEEP_SECONDS', 'sweepSeconds');
  num('ceiling-conversations', 'BENCH_CEILING_CONVERSATIONS', 'ceilingConversations');
  num('ceiling-seconds', 'BENCH_CEILING_SECONDS', 'ceilingSeconds');
  num('ceiling-window', 'BENCH_CEILING_WINDOW', 'ceilingWindow');
  num('history-messages', 'BENCH_HISTORY_MESSAGES', 'historyMessages');
  num('history-requests', 'BENCH_HISTORY_REQUESTS', 'historyRequests');
  num('history-budget-s', 'BENCH_HISTORY_BUDGET_S', 'historyBudgetS');
  num('soak-seconds', 'BENCH_SOAK_SECONDS', 'soakSeconds');
  num('soak-clients', 'BENCH_SOAK_CLIENTS', 'soakClients');
  num('reconnect-rate', 'BENCH_RECONNECT_RATE', 'reconnectRate');
  const sizes = pick('connect-sizes', 'BENCH_CONNECT_SIZES');
  if (sizes) o.connectSizes = numList(sizes).sort((a, b) => a - b);
  const rates = pick('sweep-rates', 'BENCH_SWEEP_RATES');
  if (rates) o.sweepRates = numList(rates);
  const servers = pick('servers', 'BENCH_SERVERS');
  if (servers) o.servers = servers.split(',').map((s) => s.trim().toUpperCase()).filter((s): s is ServerKind => s === 'A' || s === 'B' || s === 'N');
  const scenarios = pick('scenarios', 'BENCH_SCENARIOS');
  if (scenarios) o.scenarios = scenarios.split(',').map((s) => s.trim()).filter((s) => ALL_SCENARIOS.includes(s));
  return o;
}
