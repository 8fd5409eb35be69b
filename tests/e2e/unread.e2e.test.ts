import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { eventually, launchBrowser, messagesWithBody, openConversation, openSignedIn, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let withSato: string;
let withSuzuki: string;
let satoSocket: ClientSocket;
let suzukiSocket: ClientSocket;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * In the page before the app: the test decides whether the window has the focus
 * (`window.__setFocused(false)`); a headless browser reports every page as focused.
 */
function instrument(): void {
  let focused = true;
  Document.prototype.hasFocus = () => focused;
  (window as unknown as { __setFocused: (f: boolean) => void }).__setFocused = (f: boolean) => {
    focused = f;
    window.dispatchEvent(new FocusEvent(f ? 'focus' : 'blur'));
  };
}
const setFocused = (page: Page, focused: boolean) => page.evaluate((f) => (window as unknown as { __setFocused: (f: boolean) => void }).__setFocused(f), focused);

let sent = 0;
async function send(socket: ClientSocket, conversationId: string, body: string): Promise<void> {
  sent += 1;
  const ack = await emitAck(socket, 'message:send', { conversationId, clientMsgId: `unread-e2e-${String(sent).padStart(4, '0')}`, body });
  expect(ack.ok).toBe(true);
}

async function myReadMark(conversationId: string): Promise<number> {
  const list = await office.yamada.api.get('/api/conversations');
  return list.body.find((c: { id: string }) => c.id === conversationId).myLastReadSeq;
}

const item = (page: Page, name: string) => page.getByTestId('conversation-item').filter({ hasText: name });

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_unread')) });
  office = await createOffice(server.url);
  withSato = (await createConversation(office.sato, 'dm', [office.yamada])).id;
  withSuzuki = (await createConversation(office.suzuki, 'dm', [office.yamada])).id;
  satoSocket = await server.connect(office.sato);
  suzukiSocket = await server.connect(office.suzuki);
  for (let i = 1; i <= 3; i++) await send(satoSocket, withSato, `事前 ${i}`);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password, { initScript: instrument });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('unread counts and read marks stay true while data and events cross', () => {
  test('a message that arrives while a conversation’s first page is loading is shown, once, in its place', async () => {
    const { page } = yamada;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pattern = `**/api/conversations/${withSato}/messages*`;
    await page.route(pattern, async (route) => {
      const response = await route.fetch();
      await gate;
      await route.fulfill({ response });
    });
    await openConversation(page, NAMES.sato.name);

    // The first page (事前 1–3) is on its way when the fourth message is sent.
    await send(satoSocket, withSato, '読み込み中に届いた');
    await item(page, NAMES.sato.name).filter({ hasText: '読み込み中に届いた' }).waitFor();
    release();

    await messagesWithBody(page, '読み込み中に届いた').waitFor();
    await page.unrouteAll({ behavior: 'wait' });
    const seqs = await page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual([1, 2, 3, 4]);
    // Shown, so read: the server's read mark reaches it and no badge is left.
    await eventually(() => myReadMark(withSato), (seq) => seq === 4, 15_000, 'read mark 4');
    expect(await item(page, NAMES.sato.name).getByTestId('unread-count').count()).toBe(0);
  });

  test('read marks are sent only while the window has the focus, and as soon as it is back', async () => {
    const { page } = yamada;
    await setFocused(page, false);
    await send(satoSocket, withSato, 'よそ見中に届いた');
    await messagesWithBody(page, 'よそ見中に届いた').waitFor();
    await pause(800);
    expect(await myReadMark(withSato)).toBe(4);
    await item(page, NAMES.sato.name).getByTestId('unread-count').filter({ hasText: '1' }).waitFor();

    await setFocused(page, true);
    await eventually(() => myReadMark(withSato), (seq) => seq === 5, 15_000, 'read mark 5');
    await item(page, NAMES.sato.name).getByTestId('unread-count').waitFor({ state: 'detached' });
  });

  test('a message that arrives while the conversation list is fetched again after a reconnect is not undone by the list', async () => {
    const { page, context } = yamada;
    await send(suzukiSocket, withSuzuki, '一通目');
    await item(page, NAMES.suzuki.name).getByTestId('unread-count').filter({ hasText: '1' }).waitFor();

    let listFetched!: () => void;
    const fetched = new Promise<void>((r) => (listFetched = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The catch-up after a reconnect is one sync request (server/sync/README.md).
    await page.route('**/api/sync', async (route) => {
      const response = await route.fetch();
      listFetched();
      await gate;
      await route.fulfill({ response });
    });

    await context.setOffline(true);
    await page.locator('[data-testid="connection-banner"][data-state="down"]').waitFor();
    // Created while Yamada is away: it reaches his list only through the refetch.
    await createConversation(office.tanaka, 'group', [office.yamada], '連絡網');
    await context.setOffline(false);
    await page.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached', timeout: 30_000 });

    // The server has answered the list, but the answer has not reached the page yet.
    await fetched;
    await send(suzukiSocket, withSuzuki, '二通目');
    await item(page, NAMES.suzuki.name).getByTestId('unread-count').filter({ hasText: '2' }).waitFor();

    release();
    await item(page, '連絡網').waitFor();
    await page.unrouteAll({ behavior: 'wait' });
    expect(await item(page, NAMES.suzuki.name).getByTestId('unread-count').textContent()).toBe('2');
    expect(await item(page, NAMES.suzuki.name).locator('.conv-item__preview').textContent()).toBe('二通目');
  });

  test('the tab title keeps the unread count through a change of language', async () => {
    const { page } = yamada;
    const unread = await page.locator('.badge--nav').textContent();
    expect(await page.title()).toBe(`(${unread}) メッセージ`);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('language-select').selectOption('en');
    await page.getByTestId('nav-messages').filter({ hasText: 'Messages' }).waitFor();
    expect(await page.title()).toBe(`(${unread}) Messages`);
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('nav-messages').filter({ hasText: 'メッセージ' }).waitFor();
    expect(await page.title()).toBe(`(${unread}) メッセージ`);
    await page.keyboard.press('Escape');
  });

  test('after signing out the title carries no count', async () => {
    const { page } = yamada;
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-form').waitFor();
    expect(await page.title()).toBe('メッセージ');
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
  });
});
