import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntries } from '../../server/bundle.js';
import { testDbUri } from '../support/database.js';
import { createConversation, createTeam, loginAdmin } from '../support/factories.js';
import { ADMIN, TEST_PASSWORD_HASH_LOG_N } from '../support/server.js';
import { connectSocket, emitAck } from '../support/sockets.js';

// `npm start` runs the bundle that `npm run build:server` makes (dist/server/main.mjs), not the
// TypeScript sources the rest of the suite runs: this builds it the same way and uses it.
let child: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  const [bundle] = await bundleEntries(['server/main.ts'], 'dist/server');
  child = spawn(process.execPath, [bundle!], {
    env: {
      ...process.env,
      MONGODB_URI: testDbUri(`bundle_${randomUUID().slice(0, 8)}`),
      PORT: '0',
      ADMIN_LOGIN_ID: ADMIN.loginId,
      ADMIN_PASSWORD: ADMIN.password,
      PASSWORD_HASH_LOG_N: String(TEST_PASSWORD_HASH_LOG_N),
      LOGIN_FAIL_LIMIT_PER_IP: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"port":(\d+)[^\n]*"msg":"listening on port/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the bundled server exited (${code}): ${output}`)));
  });
  url = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

describe('the production build (npm start)', () => {
  it('serves sign-in, conversations and an acknowledged, delivered message from the bundled server', async () => {
    expect((await (await fetch(`${url}/api/health`)).json()).db).toBe('up');
    const { people: [alice, bob] } = await createTeam(url, 2);
    const conv = await createConversation(alice!, 'dm', [bob!]);
    const a = await connectSocket(url, alice!.token);
    const b = await connectSocket(url, bob!.token);
    const received = new Promise<string>((resolve) => b.on('message:new', (e) => resolve(e.message.body)));
    const ack = await emitAck(a, 'message:send', { conversationId: conv.id, clientMsgId: 'bundle-1', body: 'ビルド版から' });
    expect(ack).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await received).toBe('ビルド版から');
    a.close();
    b.close();
  });

  it('refuses a common password with the list it reads from beside its source (server/auth)', async () => {
    const admin = await loginAdmin(url);
    const res = await admin.api.post('/api/auth/password', { currentPassword: ADMIN.password, newPassword: 'password123' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/most common/);
  });
});
