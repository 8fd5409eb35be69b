/**
 * Message send benchmark: C clients each send M messages as fast as acknowledgements come back
 * (each client keeps W sends in flight, one lane per in-flight send). Reports throughput,
 * acknowledgement latency percentiles and the server's CPU per message.
 *
 * With K = 1 (the default) every client sends into one group conversation of all clients (one
 * busy conversation). With K > 1 there are K two-person group conversations; conversation k
 * belongs to client k mod C (with the next client as the other member) and each lane of a client
 * sends into one of its own conversations, so up to K conversations are busy in parallel.
 *
 * The server runs in its own process (tests/support/server-process.ts) so its CPU can be read
 * from /proc apart from the load generator's; the database (the MongoDB stand-in unless
 * BENCH_MONGODB_URI is set) runs in this process. BENCH_SERVER_NODE_ARGS are given to the
 * server's node only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
 *
 * Usage: npx tsx bench/send-throughput.ts [clients=20] [messages=100] [window=5] [conversations=1]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { startStandin } from '../tests/support/mongo-standin/index.js';
import { ADMIN } from '../tests/support/server.js';
import { Api } from '../tests/support/http.js';

const [clients = 20, perClient = 100, windowSize = 5, conversations = 1] = process.argv.slice(2).map(Number);
const standin = process.env.BENCH_MONGODB_URI ? null : await startStandin();
const base = process.env.BENCH_MONGODB_URI ?? standin!.uri;
const uri = base.replace(/\/(\?|$)/, `/bench_${Date.now()}$1`);

const server = await startServerProcess(uri, { MESSAGE_RATE_LIMIT: 100_000, LOGIN_FAIL_LIMIT_PER_IP: 100_000 });

/** The real server in its own node process (tests/support/server-process.ts). */
async function startServerProcess(mongoUri: string, config: Record<string, unknown>) {
  const script = fileURLToPath(new URL('../tests/support/server-process.ts', import.meta.url));
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: {
      ...process.env,
      TEST_SERVER_MONGO_URI: mongoUri,
      TEST_SERVER_PORT: '0',
      TEST_SERVER_CONFIG: JSON.stringify({ ADMIN_LOGIN_ID: ADMIN.loginId, ADMIN_PASSWORD: ADMIN.password, ...config }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server process exited early (${code}): ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** User + system CPU of a process in milliseconds, from /proc (Linux clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const admin = new Api(server.url);
const token = (await admin.post('/api/auth/login', { loginId: ADMIN.loginId, password: ADMIN.password })).body.token;
const adminApi = new Api(server.url, token);
const dept = (await adminApi.post('/api/admin/departments', { name: 'ベンチ課' })).body;
const people: { id: string; token: string }[] = [];
for (let i = 0; i < clients; i++) {
  const body = { loginId: `bench${i}`, password: 'bench-password', staffNo: `B${i}`, name: `試験 ${i}`, nameKana: 'しけん', departmentId: dept.id, role: 'staff' };
  const u = (await adminApi.post('/api/admin/users', body)).body;
  const t = (await admin.post('/api/auth/login', { loginId: body.loginId, password: body.password })).body.token;
  people.push({ id: u.id, token: t });
}

/** The conversations each client sends into. */
const owned: string[][] = people.map(() => []);
if (conversations <= 1) {
  const conv = (await new Api(server.url, people[0]!.token).post('/api/conversations', { kind: 'group', memberIds: people.slice(1).map((p) => p.id), title: 'bench' })).body;
  for (const list of owned) list.push(conv.id);
} else {
  for (let k = 0; k < conversations; k++) {
    const owner = k % clients;
    const other = people[(owner + 1) % clients]!;
    const conv = (await new Api(server.url, people[owner]!.token).post('/api/conversations', { kind: 'group', memberIds: [other.id], title: `bench ${k}` })).body;
    owned[owner]!.push(conv.id);
  }
}

const sockets = await Promise.all(
  people.map((p) => new Promise<ReturnType<typeof io>>((resolve) => {
    const s = io(server.url, { auth: { token: p.token }, transports: ['websocket'], forceNew: true });
    s.once('connect', () => resolve(s));
  })),
);

const latencies: number[] = [];
const serverCpu0 = cpuMsOf(server.pid);
const ownCpu0 = process.cpuUsage();
const started = performance.now();
const startedMonoUs = process.hrtime.bigint() / 1000n;
await Promise.all(
  sockets.map(async (s, c) => {
    let next = 0;
    const lane = async (l: number) => {
      const conversationId = owned[c]![l % owned[c]!.length]!;
      while (next < perClient) {
        const i = next++;
        const t0 = performance.now();
        const ack = await s.emitWithAck('message:send', { conversationId, clientMsgId: `bench-${c}-${i}`, body: `ベンチマーク ${c}-${i}` });
        if (!ack.ok) throw new Error(JSON.stringify(ack));
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: windowSize }, (_, l) => lane(l)));
  }),
);
const seconds = (performance.now() - started) / 1000;
// The monotonic clock is the profiler's too: this picks the send phase out of a --cpu-prof profile.
if (process.env.BENCH_SERVER_NODE_ARGS) console.log(`send phase (monotonic µs): ${startedMonoUs} ${process.hrtime.bigint() / 1000n}`);
const serverCpuMs = cpuMsOf(server.pid) - serverCpu0;
const own = process.cpuUsage(ownCpu0);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const total = clients * perClient;
const busy = conversations <= 1 ? 1 : Math.min(conversations, clients * windowSize);
console.log(`database: ${standin ? 'MongoDB stand-in (mingo + bson), in the load generator\'s process' : 'BENCH_MONGODB_URI'}`);
console.log(`${clients} clients x ${perClient} messages (window ${windowSize}, ${busy} conversation(s) busy in parallel): ${total} messages in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} msg/s`);
console.log(`ack latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`);
console.log(`server CPU: ${serverCpuMs} ms = ${(serverCpuMs / total).toFixed(3)} ms per message; load generator + database CPU: ${((own.user + own.system) / 1000 / total).toFixed(3)} ms per message`);
for (const s of sockets) s.close();
await server.stop();
await standin?.stop();
