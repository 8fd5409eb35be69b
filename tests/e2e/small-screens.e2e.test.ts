import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation, createDepartment, createUser } from '../support/factories.js';
import { launchBrowser, messagesWithBody, openApp, openConversation, screenshot, sendMessage, signIn, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';
import { lineCount, overflowingElements } from './support/layout.js';
import { seriousViolations } from './support/axe.js';

/**
 * Staff work inside a remote-desktop window that is often small: every screen must be usable at
 * 800×600 — no part wider than the window, one's own name in view, the conversation list folding
 * away, dialogs whose buttons stay in view, Japanese words never broken in the middle.
 */

let server: TestServer;
let browser: Browser;
let office: Office;
let tanaka: Person; // a supervisor, who sees every screen

const WIDTH = 800;
const HEIGHT = 600;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_small_screens')) });
  office = await createOffice(server.url);
  // 人事課, whose name must not come out as 「人事/課」 on the board, and enough colleagues for the
  // new-conversation dialog's list to be longer than the window.
  const personnel = await createDepartment(office.admin, '人事課', office.division.id);
  await createUser(office.admin, personnel.id, { name: '高橋 健太', nameKana: 'たかはし けんた', title: '主査' });
  for (let i = 0; i < 16; i++) await createUser(office.admin, office.section.id, { name: `職員 ${i + 1}`, nameKana: 'しょくいん' });
  await createConversation(office.tanaka, 'dm', [office.yamada]);
  await createConversation(office.tanaka, 'group', [office.yamada, office.sato, office.suzuki], '防災訓練の打ち合わせ');
  browser = await launchBrowser();
  tanaka = await openApp(browser, server.url);
  await tanaka.page.setViewportSize({ width: WIDTH, height: HEIGHT });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The element's box lies inside the window (fully visible without scrolling the page). */
async function insideWindow(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= WIDTH + 0.5 && box.y + box.height <= HEIGHT + 0.5;
}

async function expectNothingWider(page: Page, screen: string): Promise<void> {
  expect(await overflowingElements(page), `${screen}: elements beyond the window's width`).toEqual([]);
}

describe('at 800×600', () => {
  test('the sign-in screen fits, and after signing in the focus is in the main area', async () => {
    const { page } = tanaka;
    await page.getByTestId('login-id').waitFor();
    await expectNothingWider(page, 'sign-in');
    expect(await insideWindow(page.getByTestId('signin-submit'))).toBe(true);
    await screenshot(page, 'small-signin');
    await signIn(tanaka, office.tanaka.user.loginId, office.tanaka.password);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('my own name stays visible in the top bar', async () => {
    const me = tanaka.page.getByTestId('me-name');
    expect(await me.isVisible()).toBe(true);
    expect(await insideWindow(me)).toBe(true);
    expect(await me.textContent()).toContain(NAMES.tanaka.name);
  });

  test('a conversation with messages fits the window', async () => {
    const { page } = tanaka;
    await openConversation(page, '防災訓練の打ち合わせ');
    await sendMessage(page, '明日の防災訓練は午前10時から、本庁舎の東側駐車場で行います。各課の担当者は9時45分までに集合してください。');
    await messagesWithBody(page, '明日の防災訓練は午前10時から、本庁舎の東側駐車場で行います。各課の担当者は9時45分までに集合してください。')
      .and(page.locator('[data-status="sent"]'))
      .waitFor();
    await expectNothingWider(page, 'conversation');
    expect(await insideWindow(page.getByTestId('composer-input'))).toBe(true);
    await screenshot(page, 'small-conversation');
  });

  test('the conversation list folds away and comes back with a named button, and stays as chosen', async () => {
    const { page } = tanaka;
    const toggle = page.getByRole('button', { name: '会話一覧', exact: true });
    const sidebar = page.getByTestId('sidebar');
    const conversation = page.getByTestId('conversation-view');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await sidebar.isVisible()).toBe(true);
    const before = (await conversation.boundingBox())!.width;

    await toggle.click();
    await sidebar.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // The conversation takes the room the list left.
    expect((await conversation.boundingBox())!.width).toBeGreaterThan(before + 150);
    await expectNothingWider(page, 'conversation, list folded');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'small-sidebar-folded');

    // Still folded after visiting another screen.
    await page.getByTestId('nav-directory').click();
    await page.getByTestId('person-card').first().waitFor();
    await page.getByTestId('nav-messages').click();
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await sidebar.isVisible()).toBe(false);
    // With no conversation open, the empty screen offers the list back too.
    expect(await page.getByTestId('sidebar-show').isVisible()).toBe(true);

    await toggle.click();
    await sidebar.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // Nothing of the messages went into the browser's storage with the choice.
    const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(stored).not.toContain('防災');
  });

  test("the new-conversation dialog's main button is in view without scrolling, and only the dialog scrolls", async () => {
    const { page } = tanaka;
    await page.getByTestId('new-conversation').click();
    const dialog = page.getByTestId('new-conversation-dialog');
    await dialog.waitFor();
    await page.getByTestId('new-kind-group').check();
    await page.getByTestId('people-option').nth(15).waitFor();
    // The list is longer than the window …
    expect(await dialog.evaluate((d) => d.scrollHeight > d.clientHeight)).toBe(true);
    // … yet 作成 is in view, inside the dialog and the window, before anything is scrolled.
    const create = page.getByTestId('new-create');
    expect(await insideWindow(create)).toBe(true);
    const [dialogBox, createBox] = [(await dialog.boundingBox())!, (await create.boundingBox())!];
    expect(createBox.y + createBox.height).toBeLessThanOrEqual(dialogBox.y + dialogBox.height + 0.5);
    expect(await create.evaluate((button) => document.elementFromPoint(button.getBoundingClientRect().x + 4, button.getBoundingClientRect().y + 4) === button)).toBe(true);
    // No scrolling area inside the dialog: one scrollbar, the dialog's.
    const nested = await dialog.evaluate((d) =>
      [...d.querySelectorAll('*')]
        .filter((el) => el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY))
        .map((el) => el.className),
    );
    expect(nested).toEqual([]);
    await expectNothingWider(page, 'new-conversation dialog');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'small-new-conversation');

    // Scrolled to the end of the list, the button is still there.
    await dialog.evaluate((d) => d.scrollTo(0, d.scrollHeight));
    expect(await insideWindow(create)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('the directory fits the window', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-directory').click();
    await page.getByTestId('person-card').first().waitFor();
    await expectNothingWider(page, 'directory');
    expect(await page.getByTestId('me-name').isVisible()).toBe(true);
    await screenshot(page, 'small-directory');
  });

  test('the board fits the window and keeps 「人事課」 and 「テレワーク開始」 whole', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('overview-row').first().waitFor();
    const personnel = page.getByTestId('overview-row').filter({ hasText: '高橋 健太' }).locator('td').first();
    expect(await personnel.textContent()).toBe('人事課');
    expect(await lineCount(personnel)).toBe(1);
    const since = page.getByTestId('overview-table').locator('thead th').filter({ hasText: 'テレワーク開始' });
    expect(await lineCount(since)).toBe(1);
    for (const header of await page.getByTestId('overview-table').locator('thead th').all()) expect(await lineCount(header)).toBe(1);
    await expectNothingWider(page, 'board');
    await screenshot(page, 'small-dashboard');
  });

  test('the settings dialog scrolls as a whole with its close button in view', async () => {
    const { page } = tanaka;
    await page.getByTestId('open-settings').click();
    const dialog = page.getByTestId('settings-dialog');
    await dialog.waitFor();
    // Open everything it holds so that it is taller than the window.
    await dialog.locator('summary').click();
    await page.getByTestId('settings-password').locator('input').first().waitFor();
    const close = dialog.getByRole('button', { name: '閉じる' });
    expect(await insideWindow(close)).toBe(true);
    await expectNothingWider(page, 'settings');
    await screenshot(page, 'small-settings');
    await close.click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('in English, with the longest state, the top bar still fits and keeps my name', async () => {
    const { page } = tanaka;
    await page.getByTestId('my-presence-button').click();
    await page.getByTestId('availability-select').selectOption('in_meeting');
    await page.getByTestId('my-presence-label').filter({ hasText: '在庁・会議中' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('open-settings').click();
    await page.getByTestId('language-select').selectOption('en');
    await page.getByTestId('settings-dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('nav-messages').filter({ hasText: 'Messages' }).click();
    await page.getByRole('button', { name: 'Conversation list', exact: true }).waitFor();
    expect(await insideWindow(page.getByTestId('me-name'))).toBe(true);
    expect(await insideWindow(page.getByTestId('sign-out'))).toBe(true);
    await expectNothingWider(page, 'top bar in English');
    // The top bar's controls sit side by side, none drawn over another.
    const boxes = await Promise.all(['my-presence-button', 'open-settings', 'me-name', 'sign-out'].map(async (id) => (await page.getByTestId(id).boundingBox())!));
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.x).toBeGreaterThanOrEqual(boxes[i - 1]!.x + boxes[i - 1]!.width);
    // The list's longer English button stays inside the list.
    const [sidebar, button] = [(await page.getByTestId('sidebar').boundingBox())!, (await page.getByTestId('new-conversation').boundingBox())!];
    expect(button.x + button.width).toBeLessThanOrEqual(sidebar.x + sidebar.width);
    await screenshot(page, 'small-english');
  });

  test('no page had an error', () => {
    expect(tanaka.errors).toEqual([]);
  });
});
