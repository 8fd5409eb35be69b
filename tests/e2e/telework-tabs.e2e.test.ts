import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, openSignedIn, type Person } from './support/browser.js';
import { createOffice, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person; // the tab where telework starts
let second: Page; // another tab of the same person, in the same browser
const secondErrors: string[] = [];
let lookups = 0;

const isLookup = (url: string) => url.endsWith('/api/telework/sessions/current');

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_telework_tabs')), config: { TELEWORK_HEARTBEAT_TIMEOUT_S: 45 } });
  office = await createOffice(server.url);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  second = await yamada.context.newPage();
  second.on('pageerror', (error) => secondErrors.push(`pageerror: ${error.message}`));
  // The second tab's first look for the session fails (a network hiccup); later ones go through.
  await second.route('**/api/telework/sessions/current', async (route) => {
    lookups += 1;
    if (lookups === 1) await route.abort('connectionreset');
    else await route.continue();
  });
  await second.goto('/');
  await second.getByTestId('my-presence-button').waitFor();
  await second.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function currentSession(): Promise<{ id: string; lastHeartbeatAt: string; endedAt?: string } | null> {
  const res = await office.yamada.api.get('/api/telework/sessions/current');
  return res.body.session;
}

describe('a telework session lives as long as any tab of its person is open', () => {
  test('another tab picks up a session started elsewhere, trying again when its first look fails', async () => {
    const found = second.waitForResponse((r) => isLookup(r.url()) && r.status() === 200);
    await yamada.page.getByTestId('my-presence-button').click();
    await yamada.page.getByTestId('telework-start').click();
    await second.locator('[data-testid="my-presence-dot"][data-state="teleworking"]').waitFor();
    const response = await found;
    expect((await response.json()).session.id).toBe((await currentSession())!.id);
    expect(lookups).toBeGreaterThanOrEqual(2);
  });

  test('that tab keeps the session alive with heartbeats after the tab that started it closes', async () => {
    const session = (await currentSession())!;
    const closedAt = new Date();
    await yamada.page.close();
    const beat = await second.waitForResponse((r) => r.url().endsWith(`/api/telework/sessions/${session.id}/heartbeat`), { timeout: 45_000 });
    expect(beat.status()).toBe(204);
    const after = (await currentSession())!;
    expect(after.id).toBe(session.id);
    expect(after.endedAt).toBeUndefined();
    expect(new Date(after.lastHeartbeatAt).getTime()).toBeGreaterThan(closedAt.getTime());
    expect(await second.getByTestId('my-presence-label').textContent()).toBe('テレワーク中');
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(secondErrors).toEqual([]);
  });
});
