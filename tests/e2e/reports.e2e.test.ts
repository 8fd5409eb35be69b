import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/demo/organisation.js';
import { seedDemo } from '../../server/demo/seed.js';
import { testDbUri, uniqueDbName } from '../support/database.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';
import { seriousViolations } from './support/axe.js';
import { overflowingElements } from './support/layout.js';
import { launchBrowser, openSignedIn, screenshot, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let admin: Person;

/** A Tokyo date `offset` days from today. */
const tokyoDay = (offset: number) => new Date(Date.now() + 9 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  // The demo's month of telework, against a pool of 20 licences so the chart has a ceiling in view.
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_reports')), config: { TELEWORK_CAPACITY: 20 } });
  await seedDemo(server.server.services);
  browser = await launchBrowser();
  admin = await openSignedIn(browser, server.url, ADMIN.loginId, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('reports', () => {
  test('an admin opens レポート and sees the licence chart for a week, and downloads it as CSV', async () => {
    const { page } = admin;
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-screen').waitFor();
    // A whole week inside the demo's month (the current week may have just begun).
    await page.getByTestId('licence-period').selectOption('week');
    const date = tokyoDay(-7);
    await page.getByTestId('licence-date').fill(date);
    const monday = new Date(Date.parse(`${date}T00:00:00Z`) - ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const sunday = new Date(Date.parse(`${monday}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
    // The screen says which range it shows once that week's report has arrived.
    await page.locator(`[data-testid="reports-licences"][data-shown="${monday}_${sunday}"]`).waitFor();

    const canvas = page.locator('[data-testid="licence-chart"] canvas').first();
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(100);
    await page.locator('[data-testid="licence-distribution"] canvas').first().waitFor();
    expect(await page.getByTestId('licence-figures').textContent()).toMatch(/\/ 20/);
    expect(await page.getByTestId('licence-days').locator('tbody tr').count()).toBe(7);
    await screenshot(page, 'reports-licences');
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('licence-csv').click()]);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('時刻,同時接続数（5分ごとの最大）,ライセンス数');
    expect(lines.length - 2).toBe(7 * 24 * 12);
  });

  test('the telework tab lists people by month and shows one person\'s days', async () => {
    const { page } = admin;
    await page.getByTestId('reports-tab-telework').click();
    const month = tokyoDay(-15).slice(0, 7);
    await page.getByTestId('telework-month').fill(month);
    await page.locator(`[data-testid="reports-telework"][data-shown="${month}"]`).waitFor();
    const rows = page.getByTestId('telework-people').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(10);
    await rows.first().getByRole('button').click();
    await page.getByTestId('reports-person').locator('tbody tr').first().waitFor();
    await screenshot(page, 'reports-person');
    expect(admin.errors).toEqual([]);
  });

  test('in a small remote-desktop window (800×600) the licence screen and the top bar fit', async () => {
    const { page } = admin;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.getByTestId('reports-tab-licences').click();
    await page.locator('[data-testid="licence-chart"] canvas').first().waitFor();
    // The chart follows the window: redrawn narrower, not cut off.
    await page.waitForFunction(() => ((document.querySelector('[data-testid="licence-chart"] canvas') as HTMLCanvasElement | null)?.getBoundingClientRect().right ?? 9999) <= 800);
    expect(await overflowingElements(page)).toEqual([]);
    await screenshot(page, 'reports-small');
  });

  test('a staff member is not offered レポート', async () => {
    const staff = await openSignedIn(browser, server.url, 'sato.k', DEMO_PASSWORD);
    expect(await staff.page.getByTestId('nav-reports').count()).toBe(0);
    await staff.context.close();
  });
});
