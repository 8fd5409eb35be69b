import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, openSignedIn, screenshot, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let admin: Person;

const PEOPLE = 600;
const SURNAMES = [['佐藤', 'さとう'], ['田中', 'たなか'], ['小林', 'こばやし'], ['吉田', 'よしだ']] as const;

/** The personnel system's export: Shift_JIS, CRLF, 600 people in two departments, one bad line. */
function personnelFile(): string {
  const lines = ['職員番号,ログインID,氏名,ふりがな,部署,役職,役割'];
  for (let i = 1; i <= PEOPLE; i++) {
    const [name, kana] = SURNAMES[i % SURNAMES.length]!;
    const dept = i % 2 ? '市民部/市民課' : '福祉部/障害福祉課';
    // Line 101 (person 100) has a reading in Latin letters: an error the admin must see.
    const reading = i === 100 ? 'Sato' : `${kana} ${i}ばん`.replace(/\d+/, 'いち');
    lines.push(`E-${String(i).padStart(4, '0')},staff${i},${name} ${i}号,${reading},${dept},,職員`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'import-'));
  const file = path.join(dir, 'shokuin.csv');
  writeFileSync(file, iconv.encode(lines.join('\r\n'), 'cp932'));
  return file;
}

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_admin_import')) });
  browser = await launchBrowser();
  admin = await openSignedIn(browser, server.url, ADMIN.loginId, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('an admin imports the staff list from the personnel system', () => {
  test('a Shift_JIS file is checked row by row, then imported with progress, and the people are there', async () => {
    const { page } = admin;
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-import').click();
    await page.getByTestId('import-file').setInputFiles(personnelFile());

    await page.getByTestId('import-check').click();
    const result = page.locator('[data-testid="import-result"][data-dry-run="true"]');
    await result.waitFor();
    expect(await page.getByTestId('import-counts').textContent()).toBe('新規 599・変更 0・変更なし 0・エラー 1');
    expect(await result.textContent()).toContain('Shift_JIS');
    // The bad line is listed first, with its row, column and reason.
    const first = page.getByTestId('import-row').first();
    expect(await first.getAttribute('data-result')).toBe('error');
    expect(await first.textContent()).toContain('101行目「ふりがな」');
    await screenshot(page, 'admin-import-check');

    await page.getByTestId('import-run').click();
    await page.locator('[data-testid="import-result"][data-dry-run="false"]').waitFor();
    expect(await page.getByTestId('import-counts').textContent()).toBe('新規 599・変更 0・変更なし 0・エラー 1');
    expect(await page.getByTestId('import-progress').textContent()).toContain('599 / 599');
    await screenshot(page, 'admin-import-done');

    // The people are in the staff list, in their departments.
    await page.getByTestId('admin-tab-staff').click();
    await page.getByTestId('staff-search').fill('E-0599');
    await page.locator('[data-testid="staff-total"]', { hasText: /^1人$/ }).waitFor();
    expect(await page.getByTestId('staff-row').first().textContent()).toContain('市民課');
    expect(admin.errors).toEqual([]);
  });

  test('two imported people are transferred today from the staff list, and the transfer shows as in effect', async () => {
    const { page } = admin;
    await page.getByTestId('admin-tab-staff').click();
    await page.getByTestId('staff-search').fill('E-000');
    await page.locator('[data-testid="staff-total"]', { hasText: /^9人$/ }).waitFor();
    const rows = page.getByTestId('staff-row');
    await rows.nth(0).getByTestId('staff-select').check();
    await rows.nth(1).getByTestId('staff-select').check();
    await page.getByTestId('staff-transfer').click();
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.getByTestId('transfer-to').selectOption({ label: '\u3000障害福祉課' });
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await dialog.getByTestId('transfer-date').fill(today);
    await dialog.getByTestId('transfer-submit').click();
    await page.locator('[data-testid="staff-notice"]', { hasText: '2人の異動を予約しました' }).waitFor();

    await page.getByTestId('admin-tab-transfers').click();
    await page.locator('[data-testid="transfer-row"][data-state="applied"]').nth(1).waitFor();
    await screenshot(page, 'admin-transfers');
    await page.getByTestId('admin-tab-staff').click();
    await page.getByTestId('staff-search').fill('E-0001');
    await page.locator('[data-testid="staff-total"]', { hasText: /^1人$/ }).waitFor();
    expect(await page.getByTestId('staff-row').first().textContent()).toContain('障害福祉課');
    expect(admin.errors).toEqual([]);
  });
});
