import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, openSignedIn, screenshot, type Person } from './support/browser.js';
import { createOffice, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let tanaka: Person; // 課長, on the board

const tokyoDay = (days: number) => new Date(Date.now() + 9 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_telework_plans')) });
  office = await createOffice(server.url);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  tanaka = await openSignedIn(browser, server.url, office.tanaka.user.loginId, office.tanaka.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('テレワーク予定: telling the supervisor, and the board beside the actual state', () => {
  test('a same-day notice reaches the board at once; planned-but-not-started turns into planned once telework starts', async () => {
    // Tomorrow's plan, registered by 佐藤 ahead through the API (the form is the same one).
    await office.sato.api.post('/api/telework-plans', { from: tokyoDay(1), note: '資料作成' });
    await tanaka.page.getByTestId('nav-dashboard').click();
    await tanaka.page.getByTestId('overview-table').waitFor();
    await tanaka.page.locator('[data-testid="plans-tomorrow"]', { hasText: '佐藤 花子' }).waitFor();

    // The morning itself: 山田 registers today through his presence panel.
    await yamada.page.getByTestId('my-presence-button').click();
    await yamada.page.getByTestId('plan-note').fill('子の看護のため');
    await yamada.page.getByTestId('plan-register').click();
    await yamada.page.locator('[data-testid="my-plans"]', { hasText: tokyoDay(0) }).waitFor();

    // The board hears it at once and marks the plan as not yet started.
    await tanaka.page.locator('[data-testid="plan-notice"]', { hasText: '山田 太郎さんから本日のテレワークの連絡がありました' }).waitFor();
    const row = tanaka.page.locator(`[data-testid="overview-row"][data-user-id="${office.yamada.user.id}"]`);
    await row.locator('[data-testid="overview-plan"]', { hasText: '予定あり・未開始' }).waitFor();
    expect(await row.getByTestId('overview-plan').textContent()).toContain('子の看護のため');
    await screenshot(tanaka.page, 'board-telework-plans');

    // He starts telework: the board shows the plan kept.
    await yamada.page.getByTestId('telework-start').click();
    await row.locator('[data-testid="overview-plan"]', { hasText: /^予定あり 子の看護のため$/ }).waitFor();
    // The sub-department's node counts him as teleworking.
    const node = tanaka.page.locator(`[data-testid="board-tree-row"][data-department-id="${office.section.id}"]`);
    await node.locator('[data-testid="tree-teleworking"]', { hasText: /^1$/ }).waitFor();
    // Once 山田 ends telework and closes his window (the grace period over), his row says when he
    // was last connected.
    await yamada.page.getByTestId('telework-end').click();
    await row.and(tanaka.page.locator('[data-state="in_office"]')).waitFor();
    await yamada.page.close();
    await row.locator('[data-testid="overview-last-seen"]', { hasText: /最終接続 \d{1,2}\/\d{1,2} \d{2}:\d{2}/ }).waitFor({ timeout: 60_000 });
    expect(tanaka.errors).toEqual([]);
  });
});
