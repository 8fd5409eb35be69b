import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, openApp, screenshot, signIn, waitConnected } from './support/browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  // A new installation: an empty database and no ADMIN_LOGIN_ID / ADMIN_PASSWORD.
  server = await startTestServer({
    dbUri: testDbUri(uniqueDbName('e2e_first_start')),
    config: { ADMIN_LOGIN_ID: undefined, ADMIN_PASSWORD: undefined },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the first visit to a new installation', () => {
  test('asks for the printed setup code, creates the first admin with it and signs them in', async () => {
    const code = server.server.setupCode;
    expect(code).toBeTruthy();
    const person = await openApp(browser, server.url);
    const { page } = person;
    await page.getByTestId('setup-form').waitFor();
    await expect(page.getByRole('heading', { name: '初回設定' }).isVisible()).resolves.toBe(true);

    // A wrong code first: refused, nothing created, the form stays.
    await page.getByLabel('設定コード').fill('AAAA-BBBB-CCCC');
    await page.getByLabel('氏名').fill('総務 花子');
    await page.getByLabel('ふりがな').fill('そうむ はなこ');
    await page.getByLabel('ログインID').fill('soumu-admin');
    await page.getByLabel('パスワード（8文字以上）').fill('hajimete-no-kanri-2026');
    await page.getByLabel('パスワード（確認）').fill('hajimete-no-kanri-2026');
    await page.getByTestId('setup-submit').click();
    await expect(page.getByTestId('setup-error').textContent()).resolves.toContain('設定コードが違います');
    await screenshot(page, 'first-start-setup');

    // The printed code, typed in lower case.
    await page.getByLabel('設定コード').fill(code!.toLowerCase());
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-messages').waitFor();
    await waitConnected(page);
    const me = await page.evaluate(async () => (await (await fetch('/api/me')).json()) as { user: { role: string; loginId: string } });
    expect(me.user).toMatchObject({ role: 'admin', loginId: 'soumu-admin' });

    // A second visitor now sees the ordinary sign-in, and the admin's password works there.
    const other = await openApp(browser, server.url);
    await other.page.getByTestId('signin-form').waitFor();
    expect(await other.page.getByTestId('setup-form').count()).toBe(0);

    // The admin builds the organisation from the 「管理」 screen: a department, then a person in it.
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-departments').click();
    await page.getByTestId('dept-new-name').fill('市民課');
    await page.getByTestId('dept-create').click();
    await page.locator('[data-testid="dept-row"]', { hasText: '市民課' }).waitFor();
    await page.getByTestId('admin-tab-staff').click();
    await page.getByTestId('staff-new').click();
    const dialog = page.getByTestId('staff-dialog');
    await dialog.getByTestId('staff-form-loginId').fill('suzuki');
    await dialog.getByTestId('staff-form-password').fill('shimin-ka-2026-pass');
    await dialog.getByTestId('staff-form-staffNo').fill('A-0001');
    await dialog.getByTestId('staff-form-name').fill('鈴木 一郎');
    await dialog.getByTestId('staff-form-nameKana').fill('すずき いちろう');
    await dialog.getByTestId('staff-form-department').selectOption({ label: '\u3000市民課' });
    await dialog.getByTestId('staff-form-save').click();
    await expect(page.getByTestId('staff-notice').textContent()).resolves.toContain('鈴木 一郎');
    await page.locator('[data-testid="staff-row"][data-login-id="suzuki"]').waitFor();
    // Found by the kana reading as well.
    await page.getByTestId('staff-search').fill('すずき');
    await page.locator('[data-testid="staff-total"]', { hasText: /^1人$/ }).waitFor();
    expect(await page.getByTestId('staff-row').count()).toBe(1);
    await screenshot(page, 'admin-staff');

    // The new person signs in with what the admin gave them.
    await signIn(other, 'suzuki', 'shimin-ka-2026-pass');
    const them = await other.page.evaluate(async () => (await (await fetch('/api/me')).json()) as { user: { name: string; role: string } });
    expect(them.user).toMatchObject({ name: '鈴木 一郎', role: 'staff' });
    // Staff see no 「管理」.
    expect(await other.page.getByTestId('nav-admin').count()).toBe(0);

    // The wrong code's 403 is the one failed request the console may show.
    const unexpected = [...person.errors, ...other.errors].filter((e) => !(/status of 403/.test(e) && e.includes('/api/setup')));
    expect(unexpected).toEqual([]);
  });
});
