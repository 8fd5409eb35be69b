import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginResponseSchema } from '../../shared/schemas/auth.js';
import { setupStatusSchema } from '../../shared/schemas/setup.js';
import { SETUP_FAIL_LIMIT } from '../../server/setup/setup.service.js';
import { Api } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const firstAdmin = { loginId: 'soumu-admin', password: 'hajimete-no-kanri-2026', name: '総務 花子', nameKana: 'そうむ はなこ' };

/** A server over an empty database started without ADMIN_LOGIN_ID / ADMIN_PASSWORD. */
function startEmpty(dbUri?: string): Promise<TestServer> {
  return startTestServer({ ...(dbUri ? { dbUri } : {}), config: { ADMIN_LOGIN_ID: undefined, ADMIN_PASSWORD: undefined } });
}

describe('first start without an admin', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startEmpty();
  });
  afterAll(() => t.stop());

  it('prints a one-time setup code and says setup is needed', async () => {
    expect(t.server.setupCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const status = await t.api.get('/api/setup');
    expect(status.status).toBe(200);
    expect(setupStatusSchema.parse(status.body)).toEqual({ needed: true });
  });

  it('refuses a wrong code, a weak password and bad input, and creates nobody', async () => {
    const wrong = await t.api.post('/api/setup', { ...firstAdmin, code: 'AAAA-BBBB-CCCC' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
    const weak = await t.api.post('/api/setup', { ...firstAdmin, password: 'password', code: t.server.setupCode });
    expect(weak.status).toBe(400);
    const bad = await t.api.post('/api/setup', { ...firstAdmin, code: t.server.setupCode, role: 'admin' });
    expect(bad.status).toBe(400);
    const signIn = await t.api.post('/api/auth/login', { loginId: firstAdmin.loginId, password: firstAdmin.password });
    expect(signIn.status).toBe(401);
    expect((await t.api.get('/api/setup')).body).toEqual({ needed: true });
  });

  it('creates the first admin with the code typed loosely (full-width, lower case, no hyphens) and signs them in', async () => {
    const typed = t.server.setupCode!.replace(/-/g, '').toLowerCase().replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const res = await t.api.post('/api/setup', { ...firstAdmin, code: typed });
    expect(res.status).toBe(201);
    const { token, user } = loginResponseSchema.parse(res.body);
    expect(user).toMatchObject({ loginId: firstAdmin.loginId, name: firstAdmin.name, role: 'admin' });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    // Signed in at once, and an admin: they can create the organisation.
    const admin = new Api(t.url, token);
    expect((await admin.get('/api/me')).body.user.role).toBe('admin');
    expect((await admin.post('/api/admin/departments', { name: '総務課' })).status).toBe(201);
    // And the password works for the next sign-in.
    expect((await t.api.post('/api/auth/login', { loginId: firstAdmin.loginId, password: firstAdmin.password })).status).toBe(200);
  });

  it('works once: afterwards setup is closed and the code gets conflict', async () => {
    expect((await t.api.get('/api/setup')).body).toEqual({ needed: false });
    const again = await t.api.post('/api/setup', { ...firstAdmin, loginId: 'intruder', code: t.server.setupCode });
    expect(again.status).toBe(409);
    expect((await t.api.post('/api/auth/login', { loginId: 'intruder', password: firstAdmin.password })).status).toBe(401);
  });

  it('a restart after setup prints no code', async () => {
    const dbUri = t.dbUri;
    const restarted = await startEmpty(dbUri);
    try {
      expect(restarted.server.setupCode).toBeUndefined();
    } finally {
      await restarted.stop();
    }
  });
});

describe('the setup code', () => {
  it('is the same for every process started on the same empty database, and only one visitor wins', async () => {
    const a = await startEmpty();
    const b = await startEmpty(a.dbUri);
    try {
      expect(b.server.setupCode).toBe(a.server.setupCode);
      const code = a.server.setupCode;
      const [ra, rb] = await Promise.all([
        a.api.post('/api/setup', { ...firstAdmin, code }),
        b.api.post('/api/setup', { ...firstAdmin, loginId: 'other-admin', code }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it('stops answering an address after repeated wrong codes, even the right one', async () => {
    const t = await startEmpty();
    try {
      for (let i = 0; i < SETUP_FAIL_LIMIT; i++) {
        expect((await t.api.post('/api/setup', { ...firstAdmin, code: `WRONG-${i}` })).status).toBe(403);
      }
      const limited = await t.api.post('/api/setup', { ...firstAdmin, code: t.server.setupCode });
      expect(limited.status).toBe(429);
      expect(limited.body.error.retryAfterS).toBeGreaterThan(0);
      expect((await t.api.get('/api/setup')).body).toEqual({ needed: true });
    } finally {
      await t.stop();
    }
  });

  it('is not offered when ADMIN_LOGIN_ID and ADMIN_PASSWORD created the admin', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.setupCode).toBeUndefined();
      expect((await t.api.get('/api/setup')).body).toEqual({ needed: false });
      expect((await t.api.post('/api/setup', { ...firstAdmin, code: 'ABCD-EFGH-JKLM' })).status).toBe(409);
    } finally {
      await t.stop();
    }
  });
});

describe('npm start on a machine that cannot get mongod', () => {
  it('stops with one plain message naming the ways out, without a stack trace or an empty ./data', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'no-mongod-'));
    const root = path.resolve(__dirname, '../..');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Nothing cached, and a download address that refuses at once (no internet here either way).
      MONGOMS_DOWNLOAD_DIR: path.join(cwd, 'cache'),
      MONGOMS_DOWNLOAD_MIRROR: 'http://127.0.0.1:9',
    };
    delete env.MONGODB_URI;
    delete env.MONGOMS_SYSTEM_BINARY;
    // Run from a folder of its own (./data is relative to it), so tsx is named by its path.
    const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(root, 'server/main.ts')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('No MongoDB could be started');
    expect(output).toContain('MONGODB_URI=mongodb://');
    expect(output).toContain('npm run standin -- --port 27018');
    expect(output).toContain('npm run demo');
    expect(output).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(cwd, 'data'))).toBe(false);
  });
});
