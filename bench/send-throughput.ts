/**
 * Message send benchmark: C clients each send M messages into one group conversation as fast as
 * acknowledgements come back (each client keeps W sends in flight). Reports throughput and
 * acknowledgement latency percentiles. Runs against the MongoDB stand-in unless BENCH_MONGODB_URI
 * is set. Usage: npx tsx bench/send-throughput.ts [clients=20] [messages=100] [window=5]
 */
import { startStandin } from '../tests/support/mongo-standin/index.js';
import { startServer } from '../server/server.js';
import { Api } from '../tests/support/http.js';
import { io } from 'socket.io-client';

const [clients = 20, perClient = 100, windowSize = 5] = process.argv.slice(2).map(Number);
const standin = process.env.BENCH_MONGODB_URI ? null : await startStandin();
const base = process.env.BENCH_MONGODB_URI ?? standin!.uri;
const uri = base.replace(/\/(\?|$)/, `/bench_${Date.now()}$1`);
const server = await startServer({
  mongoUri: uri,
  port: 0,
  host: '127.0.0.1',
  config: { ADMIN_LOGIN_ID: 'admin', ADMIN_PASSWORD: 'kanrisha-pw-2026', MESSAGE_RATE_LIMIT: 1_000_000, LOGIN_FAIL_LIMIT_PER_IP: 100_000 },
});
const admin = new Api(server.url);
const token = (await admin.post('/api/auth/login', { loginId: 'admin', password: 'kanrisha-pw-2026' })).body.token;
const adminApi = new Api(server.url, token);
const dept = (await adminApi.post('/api/admin/departments', { name: 'ベンチ課' })).body;
const people: { id: string; token: string }[] = [];
for (let i = 0; i < clients; i++) {
  const body = { loginId: `bench${i}`, password: 'bench-password', staffNo: `B${i}`, name: `試験 ${i}`, nameKana: 'しけん', departmentId: dept.id, role: 'staff' };
  const u = (await adminApi.post('/api/admin/users', body)).body;
  const t = (await admin.post('/api/auth/login', { loginId: body.loginId, password: body.password })).body.token;
  people.push({ id: u.id, token: t });
}
const conv = (await new Api(server.url, people[0]!.token).post('/api/conversations', { kind: 'group', memberIds: people.slice(1).map((p) => p.id), title: 'bench' })).body;
const sockets = await Promise.all(
  people.map((p) => new Promise<ReturnType<typeof io>>((resolve) => {
    const s = io(server.url, { auth: { token: p.token }, transports: ['websocket'], forceNew: true });
    s.once('connect', () => resolve(s));
  })),
);

const latencies: number[] = [];
const started = performance.now();
await Promise.all(
  sockets.map(async (s, c) => {
    let next = 0;
    const lane = async () => {
      while (next < perClient) {
        const i = next++;
        const t0 = performance.now();
        const ack = await s.emitWithAck('message:send', { conversationId: conv.id, clientMsgId: `bench-${c}-${i}`, body: `ベンチマーク ${c}-${i}` });
        if (!ack.ok) throw new Error(JSON.stringify(ack));
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: windowSize }, lane));
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const total = clients * perClient;
console.log(`database: ${standin ? 'MongoDB stand-in (mingo + bson)' : 'BENCH_MONGODB_URI'}`);
console.log(`${clients} clients x ${perClient} messages (window ${windowSize}): ${total} messages in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} msg/s`);
console.log(`ack latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`);
for (const s of sockets) s.close();
await server.stop();
await standin?.stop();
