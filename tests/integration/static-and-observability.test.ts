import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/server.js';
import { testDbUri } from '../support/database.js';
import { createConversation, createTeam } from '../support/factories.js';
import { connectSocket, emitAck } from '../support/sockets.js';
import { ADMIN } from '../support/server.js';

// A small build of the client, as Vite lays it out: index.html and hashed files under /assets.
const dist = mkdtempSync(path.join(tmpdir(), 'client-dist-'));
const script = `console.log(${JSON.stringify('メッセージ '.repeat(2000))});\n`;
mkdirSync(path.join(dist, 'assets'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><html lang="ja"><script type="module" src="/assets/index-Ab12Cd34.js"></script></html>');
writeFileSync(path.join(dist, 'assets', 'index-Ab12Cd34.js'), script);
writeFileSync(path.join(dist, 'assets', 'index-Ab12Cd34.js.map'), '{"version":3,"sources":["secret.tsx"]}');

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    mongoUri: testDbUri(),
    port: 0,
    host: '127.0.0.1',
    clientDist: dist,
    config: { ADMIN_LOGIN_ID: ADMIN.loginId, ADMIN_PASSWORD: ADMIN.password, LOGIN_FAIL_LIMIT_PER_IP: 10_000, METRICS_PORT: 0, DB_COMMAND_MONITORING: true },
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('the built client', () => {
  it('sends hashed assets compressed (brotli, else gzip) and cached for a year, immutable', async () => {
    for (const [accept, encoding] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['identity', null]] as const) {
      const res = await fetch(`${server.url}/assets/index-Ab12Cd34.js`, { headers: { 'accept-encoding': accept } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(await res.text()).toBe(script);
    }
  });

  it('has index.html revalidated on every load, for the page and for client routes', async () => {
    for (const page of ['/', '/conversations/123']) {
      const res = await fetch(`${server.url}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<!doctype html>');
    }
  });

  it('never serves a source map, and a production build makes none', async () => {
    expect((await fetch(`${server.url}/assets/index-Ab12Cd34.js.map`)).status).toBe(404);
    const viteConfig = (await import('../../client/vite.config.js')).default as unknown as (env: { mode: string; command: string }) => { build: { sourcemap: unknown } };
    expect(viteConfig({ mode: 'production', command: 'build' }).build.sourcemap).toBe(false);
  });
});

describe('request ids', () => {
  it('gives every request an X-Request-Id, keeping a well-formed one from a proxy', async () => {
    const own = await fetch(`${server.url}/api/health`);
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.url}/api/me`, { headers: { 'x-request-id': 'proxy-42' } });
    expect(kept.status).toBe(401);
    expect(kept.headers.get('x-request-id')).toBe('proxy-42');
    const replaced = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  it('counts sends, acknowledgement latency, connections and database commands on their own port', async () => {
    const { people } = await createTeam(server.url, 2);
    const conv = await createConversation(people[0]!, 'dm', [people[1]!]);
    const before = await scrape();
    const socket = await connectSocket(server.url, people[0]!.token);
    try {
      const ack = await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId: 'metrics-0001', body: '計測' });
      expect(ack.ok).toBe(true);
      const after = await scrape();
      expect(value(after, 'messaging_messages_sent_total') - value(before, 'messaging_messages_sent_total')).toBe(1);
      expect(value(after, 'messaging_ack_latency_seconds_count{event="message:send",ok="true"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'messaging_socket_connections')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'messaging_db_command_seconds_count{command="insert",ok="true"}')).toBeGreaterThan(
        value(before, 'messaging_db_command_seconds_count{command="insert",ok="true"}'),
      );
      expect(after).toContain('messaging_presence_pushes_total');
      expect(after).toContain('nodejs_eventloop_lag_seconds');
    } finally {
      socket.close();
    }
  });

  it('is not served on the public port', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(await res.text()).not.toContain('messaging_');
  });
});
