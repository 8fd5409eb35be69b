import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice] } = await createTeam(t.url, 1));
});
afterAll(() => t.stop());

describe('what the browser is told to keep', () => {
  it('marks every API answer no-store, so no message text stays in the browser cache', async () => {
    for (const path of ['/api/conversations', '/api/me', '/api/health']) {
      const res = await alice.api.get(path);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('does not make a plain-http office deployment upgrade requests to https', async () => {
    const res = await fetch(`${t.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('does tell browsers to use https when the server is set up behind TLS', async () => {
    const tls = await startTestServer({ config: { COOKIE_SECURE: true } });
    try {
      const res = await fetch(`${tls.url}/`);
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    } finally {
      await tls.stop();
    }
  });
});
