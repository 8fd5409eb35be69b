import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { launchBrowser, messagesWithBody, openApp, openConversation, screenshot, sendMessage, signIn, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';
import { seriousViolations } from './support/axe.js';

/**
 * What someone using a screen reader, or someone who does not tell colours apart, relies on: the
 * main screens have no serious or critical axe-core violations, the history is a list of messages
 * that each say who, when, what and in which state, presence has a shape and a name, and the
 * status button says its state once.
 */

let server: TestServer;
let browser: Browser;
let office: Office;
let tanaka: Person; // the supervisor, in the browser
let yamada: ClientSocket; // a colleague writing from another client
let suzuki: ClientSocket; // online and busy
let dmId: string;


beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_assistive')) });
  office = await createOffice(server.url);
  ({ id: dmId } = await createConversation(office.tanaka, 'dm', [office.yamada]));
  await createConversation(office.tanaka, 'group', [office.yamada, office.sato, office.suzuki], '防災訓練の打ち合わせ');
  // Yamada teleworks and writes; Suzuki is in the office and busy; Sato is offline.
  const started = await office.yamada.api.post('/api/telework/sessions', {});
  expect(started.status).toBeLessThan(300);
  yamada = await connectSocket(server.url, office.yamada.token);
  suzuki = await connectSocket(server.url, office.suzuki.token);
  expect((await emitAck(suzuki, 'presence:set', { availability: 'busy' })).ok).toBe(true);
  for (const [i, body] of ['お疲れさまです。', '明日の会議資料を共有フォルダに置きました。'].entries()) {
    const ack = await emitAck(yamada, 'message:send', { conversationId: dmId, clientMsgId: `a11y-${i}-${Date.now()}`, body });
    expect(ack.ok).toBe(true);
  }
  browser = await launchBrowser();
  tanaka = await openApp(browser, server.url);
});

afterAll(async () => {
  yamada?.close();
  suzuki?.close();
  await browser?.close();
  await server?.stop();
});

describe('the main screens pass axe-core (no serious or critical violations)', () => {
  test('sign-in', async () => {
    await tanaka.page.getByTestId('login-id').waitFor();
    expect(await seriousViolations(tanaka.page)).toEqual([]);
  });

  test('a conversation with messages', async () => {
    const { page } = tanaka;
    await signIn(tanaka, office.tanaka.user.loginId, office.tanaka.password);
    await openConversation(page, NAMES.yamada.name);
    await messagesWithBody(page, '明日の会議資料を共有フォルダに置きました。').waitFor();
    await sendMessage(page, '確認します。');
    await messagesWithBody(page, '確認します。').and(page.locator('[data-status="sent"]')).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('the directory', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-directory').click();
    await page.locator(`[data-testid="person-card"][data-user-id="${office.yamada.user.id}"][data-state="teleworking"]`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('the supervisor dashboard', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('overview-row').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('the settings dialog', async () => {
    const { page } = tanaka;
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-dialog').waitFor();
    await page.getByTestId('settings-password').locator('summary').click();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
  });
});

describe('screen readers and colour', () => {
  test('the history is announced as a list of messages, each saying who, when, what and its state', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-messages').click();
    await openConversation(page, NAMES.yamada.name);
    const list = page.getByRole('list', { name: 'メッセージ一覧' });
    await list.getByRole('listitem').filter({ hasText: '確認します。' }).waitFor();
    const items = await list.getByRole('listitem').allTextContents();
    const spoken = (body: string) => items.find((text) => text.includes(body)) ?? '';
    const time = /\d{1,2}:\d{2}/;

    // Yamada's first message shows his name; the follow-up, which does not, still says it.
    expect(spoken('お疲れさまです。')).toContain(NAMES.yamada.name);
    expect(spoken('明日の会議資料を共有フォルダに置きました。')).toContain(`${NAMES.yamada.name}:`);
    expect(spoken('明日の会議資料を共有フォルダに置きました。')).toMatch(time);
    // My own message: "自分:", the text, the time, and 未読 until Yamada reads it …
    expect(spoken('確認します。')).toContain('自分:');
    expect(spoken('確認します。')).toMatch(time);
    expect(spoken('確認します。')).toContain('未読');

    // … then 既読.
    const mine = await page.getByTestId('message').filter({ hasText: '確認します。' }).getAttribute('data-seq');
    await emitAck(yamada, 'conversation:read', { conversationId: dmId, seq: Number(mine) });
    const item = list.getByRole('listitem').filter({ hasText: '確認します。' });
    await item.getByTestId('read-status').waitFor();
    expect(await item.textContent()).toContain('既読');
    expect(await item.textContent()).not.toContain('未読');
  });

  test('times and 既読 marks are at least 12 px', async () => {
    const sizes = (selector: string) =>
      tanaka.page
        .getByTestId('message-list')
        .locator(selector)
        .evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    const times = await sizes('time');
    const reads = await sizes('[data-testid="read-status"]');
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    for (const size of [...times, ...reads]) expect(size).toBeGreaterThanOrEqual(12);
  });

  test("the status button's name says my state once", async () => {
    // Its name is "在庁", not "在庁 在庁" (the mark's name and the text beside it).
    const named = tanaka.page.getByRole('button', { name: '在庁', exact: true });
    expect(await named.getAttribute('data-testid')).toBe('my-presence-button');
  });

  test('presence is told by shape as well as colour, and named', async () => {
    const { page } = tanaka;
    await page.getByTestId('nav-directory').click();
    const dot = (id: string) => page.locator(`[data-testid="person-card"][data-user-id="${id}"] [data-testid="person-presence"]`);
    await page.locator(`[data-testid="person-card"][data-user-id="${office.suzuki.user.id}"][data-state="in_office"]`).waitFor();
    await page.locator(`[data-testid="person-card"][data-user-id="${office.sato.user.id}"][data-state="offline"]`).waitFor();
    // Everything about the mark but its colours.
    const shape = (id: string) =>
      dot(id).evaluate((el) => {
        const s = getComputedStyle(el);
        const sign = getComputedStyle(el, '::after');
        return JSON.stringify({
          clip: s.clipPath,
          radius: s.borderRadius,
          border: s.borderStyle,
          filled: s.backgroundColor !== 'rgba(0, 0, 0, 0)',
          sign: sign.content === 'none' ? null : { w: sign.width, h: sign.height, radius: sign.borderRadius, edges: sign.borderBottomStyle },
        });
      });
    const teleworking = await shape(office.yamada.user.id);
    const inOfficeBusy = await shape(office.suzuki.user.id);
    const inOffice = await shape(office.tanaka.user.id);
    const offline = await shape(office.sato.user.id);
    expect(new Set([teleworking, inOffice, offline]).size).toBe(3);
    await screenshot(page, 'presence-shapes');
    // Busy adds its own sign to the same shape.
    expect(inOfficeBusy).not.toBe(inOffice);
    // Each mark is named for screen readers and has a tooltip.
    expect(await dot(office.yamada.user.id).getAttribute('aria-label')).toBe('テレワーク中');
    expect(await dot(office.suzuki.user.id).getAttribute('title')).toBe('在庁・取り込み中');
    expect(await dot(office.sato.user.id).getAttribute('role')).toBe('img');
  });

  test('no page had an error', () => {
    expect(tanaka.errors).toEqual([]);
  });
});
