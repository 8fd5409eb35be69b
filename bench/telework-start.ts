/**
 * Licence pool benchmark: N people start telework at once against a pool of CAP licences.
 * Reports how long the burst takes and checks the outcome (exactly CAP sessions).
 * Usage: npx tsx bench/telework-start.ts [people=300] [capacity=300]
 */
import { startStandin } from '../tests/support/mongo-standin/index.js';
import { startServer } from '../server/server.js';
import { Api } from '../tests/support/http.js';

const [count = 300, capacity = 300] = process.argv.slice(2).map(Number);
const standin = process.env.BENCH_MONGODB_URI ? null : await startStandin();
const base = process.env.BENCH_MONGODB_URI ?? standin!.uri;
const uri = base.replace(/\/(\?|$)/, `/bench_tw_${Date.now()}$1`);
const server = await startServer({
  mongoUri: uri, port: 0, host: '127.0.0.1',
  config: { ADMIN_LOGIN_ID: 'admin', ADMIN_PASSWORD: 'kanrisha-pw-2026', TELEWORK_CAPACITY: capacity, TELEWORK_GATEWAY_TOKEN: 'bench-gateway-token-0123456789' },
});
const admin = new Api(server.url, (await new Api(server.url).post('/api/auth/login', { loginId: 'admin', password: 'kanrisha-pw-2026' })).body.token);
const dept = (await admin.post('/api/admin/departments', { name: 'ベンチ課' })).body;
const ids: string[] = [];
for (let i = 0; i < count; i++) {
  ids.push((await admin.post('/api/admin/users', { loginId: `tw${i}`, password: 'bench-password', staffNo: `T${i}`, name: `試験 ${i}`, nameKana: 'しけん', departmentId: dept.id, role: 'staff' })).body.id);
}
const gateway = new Api(server.url, 'bench-gateway-token-0123456789');
const t0 = performance.now();
const results = await Promise.all(ids.map((userId) => gateway.post('/api/telework/sessions', { userId })));
const ms = performance.now() - t0;
const created = results.filter((r) => r.status === 201).length;
const refused = results.filter((r) => r.status === 409).length;
console.log(`database: ${standin ? 'MongoDB stand-in (mingo + bson)' : 'BENCH_MONGODB_URI'}`);
console.log(`${count} simultaneous starts, capacity ${capacity}: ${created} created, ${refused} license_exhausted in ${ms.toFixed(0)} ms (${(count / (ms / 1000)).toFixed(0)} starts/s)`);
await server.stop();
await standin?.stop();
