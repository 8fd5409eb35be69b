import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { eventually, launchBrowser, openConversation, openSignedIn, screenshot, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let dm: string;
let group: string;
let satoSocket: ClientSocket;
let sent = 0;

async function satoSends(conversationId: string, body: string): Promise<number> {
  sent += 1;
  const ack = await emitAck(satoSocket, 'message:send', { conversationId, clientMsgId: `reading-e2e-${String(sent).padStart(4, '0')}`, body });
  expect(ack.ok).toBe(true);
  return ack.message.seq;
}

/** The read mark the server stores for 山田 in a conversation. */
async function storedMark(conversationId: string): Promise<number> {
  const res = await office.yamada.api.get(`/api/conversations/${conversationId}`);
  return res.body.myLastReadSeq;
}

/** Is the message with this seq wholly inside the history's visible box? */
function fullyVisible(page: Page, seq: number): Promise<boolean> {
  return page.evaluate((s) => {
    const scroller = document.querySelector('[data-testid="message-list"]');
    const row = document.querySelector(`[data-testid="message"][data-seq="${s}"]`);
    if (!scroller || !row) return false;
    const box = scroller.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  }, seq);
}

/** Two animation frames: whatever the page reacts with to what it just drew has happened. */
const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_reading')) });
  office = await createOffice(server.url);
  dm = (await createConversation(office.sato, 'dm', [office.yamada])).id;
  group = (await createConversation(office.yamada, 'group', [office.sato, office.suzuki], '庶務連絡')).id;
  satoSocket = await server.connect(office.sato);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('既読 with names', () => {
  test('「既読 n」 in a group opens who has read the message and who has not', async () => {
    const { page } = yamada;
    await openConversation(page, '庶務連絡');
    await sendMessage(page, '明日の会議資料を共有しました');
    const seq = await eventually(
      async () => (await office.yamada.api.get(`/api/conversations/${group}`)).body.lastSeq as number,
      (s) => s > 0,
      10_000,
      'the message to be stored',
    );
    await emitAck(satoSocket, 'conversation:read', { conversationId: group, seq });
    const mine = page.getByTestId('message').filter({ hasText: '明日の会議資料を共有しました' });
    const read = mine.getByTestId('read-status');
    await read.filter({ hasText: '既読 1' }).waitFor();
    await read.click();
    const dialog = page.getByTestId('readers-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('readers-read').getByTestId('reader').first().waitFor();
    expect(await dialog.getByTestId('readers-read').getByTestId('reader').allTextContents()).toEqual([expect.stringContaining(NAMES.sato.name)]);
    expect(await dialog.getByTestId('readers-unread').getByTestId('reader').allTextContents()).toEqual([expect.stringContaining(NAMES.suzuki.name)]);
    expect(await dialog.getByRole('heading', { level: 2 }).textContent()).toBe('既読・未読');
    await screenshot(page, 'readers-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});

describe('honest 既読: read only when on screen in a focused window', () => {
  test('after a resize the view stays pinned to the end, and only messages on screen are marked read', async () => {
    const { page } = yamada;
    for (let i = 1; i <= 40; i++) await satoSends(dm, `連絡 ${i}`);
    await openConversation(page, NAMES.sato.name);
    await eventually(() => storedMark(dm), (m) => m === 40, 15_000, 'the mark to reach 40 at the end');

    // A remote-desktop window made smaller: the newest message stays in view.
    await page.setViewportSize({ width: 1024, height: 420 });
    await eventually(() => fullyVisible(page, 40), Boolean, 10_000, 'message 40 to stay on screen after the resize');
    const forty = await satoSends(dm, '連絡 41');
    await eventually(() => fullyVisible(page, forty), Boolean, 10_000, 'message 41 to follow at the end');
    await eventually(() => storedMark(dm), (m) => m === 41, 10_000, 'the mark to reach 41');

    // And larger again: still at the end.
    await page.setViewportSize({ width: 1280, height: 700 });
    await eventually(() => fullyVisible(page, 41), Boolean, 10_000, 'message 41 on screen after growing');
    await page.setViewportSize({ width: 1024, height: 420 });
    await eventually(() => fullyVisible(page, 41), Boolean, 10_000, 'message 41 on screen after shrinking again');

    // The reader scrolls up with the mouse wheel: a new message arrives below the fold and is not read.
    await page.getByTestId('message-list').hover();
    await page.mouse.wheel(0, -240);
    await eventually(() => fullyVisible(page, 41), (v) => !v, 10_000, 'message 41 to leave the screen');
    await satoSends(dm, '連絡 42');
    const item = page.getByTestId('conversation-item').filter({ hasText: NAMES.sato.name });
    await item.filter({ hasText: '連絡 42' }).waitFor();
    await frames(page);
    expect(await fullyVisible(page, 42)).toBe(false);
    expect(await item.getByTestId('unread-count').textContent()).toBe('1');
    // A resize while scrolled up keeps the reader's place and reads nothing either.
    await page.setViewportSize({ width: 1024, height: 400 });
    await frames(page);
    expect(await fullyVisible(page, 42)).toBe(false);
    expect(await storedMark(dm)).toBe(41);

    // Back at the end, it is read.
    await page.getByRole('button', { name: /最新/ }).click();
    await eventually(() => storedMark(dm), (m) => m === 42, 10_000, 'the mark to reach 42 once on screen');
    await item.getByTestId('unread-count').waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
  });
});
