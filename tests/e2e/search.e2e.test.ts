import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, CDPSession } from 'playwright-core';
import { createConversation } from '../support/factories.js';
import { testDbUri, uniqueDbName } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, messagesWithBody, openSignedIn, screenshot, type Person } from './support/browser.js';
import { createOffice, type Office } from './support/people.js';

// Search in the browser: a query typed in hiragana through an IME finds a message written in
// katakana, far back in a long conversation; the result opens the conversation at that message,
// loaded, highlighted and focused.

/** Messages in the direct conversation; the one searched for is near the beginning. */
const TOTAL = 220;
const TARGET_SEQ = 5;
const TARGET = '来週のカイギ資料を共有フォルダに置きました';
const NEWER = 'かいぎ資料の締切は金曜です';

let server: TestServer;
let browser: Browser;
let office: Office;
let dmId: string;
let groupId: string;
let yamada: Person;
let cdp: CDPSession;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_search')), config: { MESSAGE_RATE_LIMIT: 1_000_000 } });
  office = await createOffice(server.url);
  dmId = (await createConversation(office.yamada, 'dm', [office.sato])).id;
  groupId = (await createConversation(office.suzuki, 'group', [office.yamada], '予算打合せ')).id;
  // Sent through the messaging service, one by one, as people would (the search fields are
  // written with each message).
  const { messaging } = server.server.services;
  for (let seq = 1; seq <= TOTAL; seq++) {
    const sender = seq % 2 === 0 ? office.yamada.user : office.sato.user;
    const body = seq === TARGET_SEQ ? TARGET : `連絡 ${seq} 件目`;
    await messaging.send(seq === TARGET_SEQ ? office.sato.user : sender, { conversationId: dmId, clientMsgId: `seed-${seq}`, body });
  }
  await messaging.send(office.suzuki.user, { conversationId: groupId, clientMsgId: 'seed-group', body: NEWER });
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  cdp = await yamada.context.newCDPSession(yamada.page);
}, 300_000);

afterAll(async () => {
  expect(yamada?.errors ?? []).toEqual([]);
  await browser?.close();
  await server?.stop();
});

const results = () => yamada.page.getByTestId('search-result');
const marks = () => results().locator('mark').allTextContents();

describe('searching messages', () => {
  test('a query typed in hiragana finds the message written in katakana, newest first, highlighted — and Enter mid-conversion searches nothing', async () => {
    const { page } = yamada;
    const box = page.getByTestId('search-box');
    await box.click();
    // The IME shows 「かいぎ」 unconverted; Enter confirms the conversion and must not search.
    await cdp.send('Input.imeSetComposition', { text: 'かいぎ', selectionStart: 3, selectionEnd: 3 });
    await page.keyboard.press('Enter');
    await pause(500);
    expect(new URL(page.url()).pathname).toBe('/');
    await cdp.send('Input.insertText', { text: 'かいぎ資料' });
    expect(await box.inputValue()).toBe('かいぎ資料');
    await page.keyboard.press('Enter');

    await page.getByTestId('search-screen').waitFor();
    await results().nth(1).waitFor();
    expect(await results().count()).toBe(2);
    // Newest first: the group's message, then the direct one; each with the matching part marked.
    expect(await results().nth(0).textContent()).toContain('予算打合せ');
    expect(await results().nth(1).textContent()).toContain('佐藤 花子');
    expect(await marks()).toEqual(['かいぎ資料', 'カイギ資料']);
    await screenshot(page, 'search-results');
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('half-width katakana finds it too, and the sender filter (picked by kana reading) narrows the results', async () => {
    const { page } = yamada;
    const input = page.getByTestId('search-input');
    await input.fill('ｶｲｷﾞ資料');
    await input.press('Enter');
    await expect.poll(() => marks()).toEqual(['かいぎ資料', 'カイギ資料']);

    await page.getByTestId('search-sender').fill('さとう');
    await page.getByTestId('search-sender-choice').filter({ hasText: '佐藤 花子' }).click();
    await expect.poll(() => results().count()).toBe(1);
    expect(await marks()).toEqual(['カイギ資料']);
  });

  test('a file’s name is found too, and 「ファイル付きのみ」 keeps only messages with files', async () => {
    const { page } = yamada;
    // 山田 attaches a text file to a message in the group, from the file button.
    await page.goto(`/c/${groupId}`);
    await page.getByTestId('conversation-heading').filter({ hasText: '予算打合せ' }).waitFor();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['議題と配布資料の一覧\n'], '第3回 会議資料一覧.txt', { type: 'text/plain' }));
      const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
      input.files = data.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.locator('[data-testid="attachment"][data-status="stored"]').waitFor();
    await page.getByTestId('composer-input').fill('次回の準備をお願いします');
    await page.getByTestId('composer-input').press('Enter');
    await messagesWithBody(page, '次回の準備をお願いします').getByTestId('file-link').waitFor();

    // 「資料」: in the two texts and in the file's name.
    await page.getByTestId('search-box').fill('資料');
    await page.getByTestId('search-box').press('Enter');
    await page.getByTestId('search-screen').waitFor();
    await expect.poll(() => results().count()).toBe(3);
    await page.getByTestId('search-has-file').check();
    await expect.poll(() => results().count()).toBe(1);
    const found = results().first();
    expect(await found.getByTestId('search-snippet').textContent()).toBe('ファイル名: 第3回 会議資料一覧.txt');
    expect(await found.locator('mark').allTextContents()).toEqual(['資料']);
  });

  test('clicking a result far back in history opens the conversation at that message, loaded, highlighted and focused', async () => {
    const { page } = yamada;
    const input = page.getByTestId('search-input');
    await page.getByTestId('search-has-file').uncheck();
    await input.fill('カイギ資料');
    await input.press('Enter');
    const direct = results().filter({ hasText: TARGET });
    await direct.waitFor();
    await direct.locator('a').click();
    await page.waitForURL((url) => url.pathname === `/c/${dmId}` && url.searchParams.get('at') === String(TARGET_SEQ));
    const target = messagesWithBody(page, TARGET);
    await target.waitFor();
    expect(await target.getAttribute('data-seq')).toBe(String(TARGET_SEQ));
    await page.locator(`[data-testid="message"][data-seq="${TARGET_SEQ}"][data-highlighted="true"]`).waitFor();
    // In view inside the history, and the focus on it.
    await expect
      .poll(() =>
        page.getByTestId('message-list').evaluate((list, seq) => {
          const row = list.querySelector(`[data-row-seq="${seq}"]`);
          if (!row) return false;
          const a = list.getBoundingClientRect();
          const b = row.getBoundingClientRect();
          return b.top >= a.top && b.bottom <= a.bottom;
        }, TARGET_SEQ),
      )
      .toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-row-seq'))).toBe(String(TARGET_SEQ));
    await screenshot(page, 'search-jump');
  });
});
