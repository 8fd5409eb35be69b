import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, openSignedIn, screenshot, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person; // staff who starts telework
let sato: Person; // a colleague looking at the directory
let tanaka: Person; // the supervisor looking at the board

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_presence')) });
  office = await createOffice(server.url);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
  tanaka = await openSignedIn(browser, server.url, office.tanaka.user.loginId, office.tanaka.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const card = (person: Person) => person.page.locator(`[data-testid="person-card"][data-user-id="${office.yamada.user.id}"]`);
const row = (person: Person) => person.page.locator(`[data-testid="overview-row"][data-user-id="${office.yamada.user.id}"]`);

describe('presence follows the telework session', () => {
  test('the directory shows the department tree and everyone in the office', async () => {
    await sato.page.getByTestId('nav-directory').click();
    await sato.page.getByTestId('department-item').filter({ hasText: '総務部' }).waitFor();
    await sato.page.getByTestId('department-item').filter({ hasText: '情報政策課' }).click();
    // Presence arrives with the answer to presence:watch for the people on screen ("確認中…" until then).
    await card(sato).and(sato.page.locator('[data-state="in_office"]')).waitFor();
    expect(await sato.page.getByTestId('person-card').count()).toBe(3);
    // People are listed in kana order: さとう, すずき, やまだ.
    const names = await sato.page.getByTestId('person-card').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(names).toEqual([NAMES.sato.name, NAMES.suzuki.name, NAMES.yamada.name]);
  });

  test('the supervisor sees the department board', async () => {
    await tanaka.page.getByTestId('nav-dashboard').click();
    await row(tanaka).waitFor();
    expect(await row(tanaka).getAttribute('data-state')).toBe('in_office');
    expect(await tanaka.page.getByTestId('count-teleworking-value').textContent()).toBe('0');
  });

  test('starting telework turns Yamada to teleworking in the directory and on the board, live', async () => {
    const { page } = yamada;
    await page.getByTestId('my-presence-button').click();
    await page.getByTestId('licence-usage').filter({ hasText: 'ライセンス使用中 0 / 300' }).waitFor();
    await page.getByTestId('telework-start').click();
    await page.getByTestId('my-presence-label').filter({ hasText: 'テレワーク中' }).waitFor();
    await page.getByTestId('licence-usage').filter({ hasText: 'ライセンス使用中 1 / 300' }).waitFor();
    await page.getByTestId('telework-end').waitFor();

    await card(sato).and(sato.page.locator('[data-state="teleworking"]')).waitFor();
    expect(await card(sato).getByTestId('person-presence-label').textContent()).toMatch(/テレワーク中.*\d{2}:\d{2} から/);

    await row(tanaka).and(tanaka.page.locator('[data-state="teleworking"]')).waitFor();
    await tanaka.page.getByTestId('count-teleworking-value').filter({ hasText: '1' }).waitFor();
    expect(await row(tanaka).getByTestId('overview-since').textContent()).toMatch(/^\d{2}:\d{2}$/);
    await screenshot(tanaka.page, '04-supervisor-dashboard');
  });

  test('availability and a status text show to colleagues', async () => {
    const { page } = yamada;
    await page.getByTestId('availability-select').selectOption('busy');
    await page.getByTestId('status-text').fill('午後は窓口対応です');
    await page.getByTestId('status-save').click();
    await card(sato).getByTestId('person-presence-label').filter({ hasText: 'テレワーク中・取り込み中' }).waitFor();
    await card(sato).filter({ hasText: '午後は窓口対応です' }).waitFor();
  });

  test('the directory filter shows only those teleworking', async () => {
    await sato.page.getByTestId('filter-teleworking').check();
    await sato.page.getByTestId('directory-count').filter({ hasText: '1 人' }).waitFor();
    expect(await sato.page.getByTestId('person-card').count()).toBe(1);
    await sato.page.getByTestId('filter-all').check();
    await sato.page.getByTestId('directory-count').filter({ hasText: '3 人' }).waitFor();
    await screenshot(sato.page, '03-directory');
  });

  test('ending telework brings Yamada back to the office everywhere', async () => {
    await yamada.page.getByTestId('telework-end').click();
    await yamada.page.getByTestId('telework-start').waitFor();
    await card(sato).and(sato.page.locator('[data-state="in_office"]')).waitFor();
    await row(tanaka).and(tanaka.page.locator('[data-state="in_office"]')).waitFor();
    await tanaka.page.getByTestId('count-teleworking-value').filter({ hasText: '0' }).waitFor();
  });

  test('"message" on a card opens the direct message with that person', async () => {
    await card(sato).getByTestId('person-message').click();
    await sato.page.getByTestId('conversation-heading').filter({ hasText: NAMES.yamada.name }).waitFor();
    await sato.page.getByTestId('composer-input').waitFor();
  });

  test('English can be chosen, and stays chosen after a reload', async () => {
    const { page } = sato;
    await page.getByTestId('open-settings').click();
    await page.getByTestId('language-select').selectOption('en');
    await page.getByTestId('nav-directory').filter({ hasText: 'Directory' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.getByTestId('nav-messages').filter({ hasText: 'Messages' }).waitFor();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('nav-messages').filter({ hasText: 'メッセージ' }).waitFor();
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
    expect(tanaka.errors).toEqual([]);
  });
});
