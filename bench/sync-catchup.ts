/**
 * Catch-up after a reconnect: the old way (the conversation list, the whole directory with
 * presence, then `GET …/messages?after=` per loaded conversation) against one `POST /api/sync`.
 * P people, each in about 2·D direct conversations with 3 of them loaded; every conversation gets
 * M messages while they are away; then all P catch up at once, first the old way, then the new.
 * Reports requests, bytes and database commands per client and the time for all of them.
 * Runs against the MongoDB stand-in unless BENCH_MONGODB_URI is set.
 * Usage: npx tsx bench/sync-catchup.ts [people=200] [dmsEach=5] [missed=2]
 */
import { io } from 'socket.io-client';
import { startServer } from '../server/server.js';
import { Api } from '../tests/support/http.js';
import { startStandin } from '../tests/support/mongo-standin/index.js';

const [P = 200, D = 5, M = 2] = process.argv.slice(2).map(Number);
const standin = process.env.BENCH_MONGODB_URI ? null : await startStandin();
const base = process.env.BENCH_MONGODB_URI ?? standin!.uri;
const uri = base.replace(/\/(\?|$)/, `/bench_sync_${Date.now()}$1`);
const server = await startServer({
  mongoUri: uri,
  port: 0,
  host: '127.0.0.1',
  config: { ADMIN_LOGIN_ID: 'admin', ADMIN_PASSWORD: 'admin-password-1', MESSAGE_RATE_LIMIT: 1_000_000, LOGIN_FAIL_LIMIT_PER_IP: 100_000, DB_COMMAND_MONITORING: true },
});
let commands = 0;
server.services.conn.getClient().on('commandStarted', () => (commands += 1));

const anon = new Api(server.url);
const adminApi = new Api(server.url, (await anon.post('/api/auth/login', { loginId: 'admin', password: 'admin-password-1' })).body.token);
const dept = (await adminApi.post('/api/admin/departments', { name: 'ベンチ課' })).body;
const people: { id: string; api: Api; token: string }[] = [];
for (let i = 0; i < P; i++) {
  const body = { loginId: `sync${i}`, password: 'bench-password', staffNo: `Y${i}`, name: `試験 ${i}`, nameKana: 'しけん', departmentId: dept.id, role: 'staff' };
  const u = (await adminApi.post('/api/admin/users', body)).body;
  const token = (await anon.post('/api/auth/login', { loginId: body.loginId, password: body.password })).body.token;
  people.push({ id: u.id, token, api: new Api(server.url, token) });
}
const convsOf = new Map<string, string[]>(people.map((p) => [p.id, []]));
const pairs: { id: string; a: number }[] = [];
for (let i = 0; i < P; i++) {
  for (let k = 1; k <= D; k++) {
    const other = people[(i + k) % P]!;
    const conv = (await people[i]!.api.post('/api/conversations', { kind: 'dm', memberIds: [other.id] })).body;
    convsOf.get(people[i]!.id)!.push(conv.id);
    convsOf.get(other.id)!.push(conv.id);
    pairs.push({ id: conv.id, a: i });
  }
}
const sockets = await Promise.all(
  people.map(
    (p) =>
      new Promise<ReturnType<typeof io>>((resolve) => {
        const s = io(server.url, { auth: { token: p.token }, transports: ['websocket'], forceNew: true });
        s.once('connect', () => resolve(s));
      }),
  ),
);
let n = 0;
async function sendAll(count: number): Promise<void> {
  // A few sends in flight at a time: the point is the catch-up, not the send path.
  const queue = [...pairs];
  const worker = async () => {
    for (let pair = queue.shift(); pair; pair = queue.shift()) {
      for (let j = 0; j < count; j++) {
        n += 1;
        await sockets[pair.a]!.timeout(60_000).emitWithAck('message:send', { conversationId: pair.id, clientMsgId: `sync-bench-${n}`, body: `本文 ${n}` });
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
await sendAll(1);
for (const s of sockets) s.close();

// Before going away each client holds: its list, the history of 3 conversations, a cursor.
const loaded = new Map(people.map((p) => [p.id, convsOf.get(p.id)!.slice(0, 3)]));
const cursors = new Map<string, string>();
for (const p of people) {
  const held = Object.fromEntries(loaded.get(p.id)!.map((id) => [id, 1]));
  cursors.set(p.id, (await p.api.post('/api/sync', { seqs: held })).body.cursor);
}
const senders = await Promise.all(
  people.map(
    (p) =>
      new Promise<ReturnType<typeof io>>((resolve) => {
        const s = io(server.url, { auth: { token: p.token }, transports: ['websocket'], forceNew: true });
        s.once('connect', () => resolve(s));
      }),
  ),
);
sockets.splice(0, sockets.length, ...senders);
await sendAll(M);
for (const s of sockets) s.close();
await new Promise((r) => setTimeout(r, 1000));

interface Run {
  requests: number;
  bytes: number;
}
async function measure(name: string, catchUp: (p: (typeof people)[number], run: Run) => Promise<void>): Promise<void> {
  const run: Run = { requests: 0, bytes: 0 };
  const before = commands;
  const started = performance.now();
  await Promise.all(people.map((p) => catchUp(p, run)));
  const ms = performance.now() - started;
  console.log(
    `${name.padEnd(6)} ${P} clients: ${(ms / 1000).toFixed(2)} s for all; per client ${(run.requests / P).toFixed(1)} requests, ` +
      `${(run.bytes / P / 1024).toFixed(1)} KiB, ${((commands - before) / P).toFixed(1)} database commands`,
  );
}
async function get(p: (typeof people)[number], run: Run, path: string, body?: unknown): Promise<any> {
  const res = await fetch(server.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${p.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  run.requests += 1;
  run.bytes += text.length;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

await measure('before', async (p, run) => {
  await Promise.all([
    get(p, run, '/api/conversations'),
    get(p, run, '/api/users'),
    ...loaded.get(p.id)!.map((id) => get(p, run, `/api/conversations/${id}/messages?after=1&limit=200`)),
  ]);
});
await measure('sync', async (p, run) => {
  const held = Object.fromEntries(loaded.get(p.id)!.map((id) => [id, 1]));
  const answer = await get(p, run, '/api/sync', { cursor: cursors.get(p.id), seqs: held });
  if (Object.keys(answer.messages).length !== 3) throw new Error('sync missed messages');
});

await server.stop();
await standin?.stop();
process.exit(0);
