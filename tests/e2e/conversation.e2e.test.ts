import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser, messagesWithBody, openApp, openConversation, screenshot, sendMessage, signIn, eventually, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let sato: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_conversation')) });
  office = await createOffice(server.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('two people hold a conversation in two browsers', () => {
  test('the sign-in screen is in Japanese and signs a person in', async () => {
    yamada = await openApp(browser, server.url);
    await yamada.page.getByTestId('signin-form').waitFor();
    expect(await yamada.page.locator('h1').textContent()).toBe('サインイン');
    expect(await yamada.page.evaluate(() => document.documentElement.lang)).toBe('ja');
    await screenshot(yamada.page, '01-sign-in');

    await signIn(yamada, office.yamada.user.loginId, office.yamada.password);
    sato = await openApp(browser, server.url);
    await signIn(sato, office.sato.user.loginId, office.sato.password);
  });

  test('a wrong password is refused with a message', async () => {
    const stranger = await openApp(browser, server.url);
    await stranger.page.getByTestId('login-id').fill(office.suzuki.user.loginId);
    await stranger.page.getByTestId('password').fill('not-the-password');
    await stranger.page.getByTestId('signin-submit').click();
    await stranger.page.getByTestId('signin-error').waitFor();
    expect(await stranger.page.getByTestId('signin-error').textContent()).toContain('正しくありません');
    await stranger.context.close();
  });

  test('a direct message started from the people picker reaches the other person, with an unread count', async () => {
    const { page } = yamada;
    await page.getByTestId('new-conversation').click();
    await page.getByTestId('people-search').fill('さとう');
    await page.getByTestId('people-option').filter({ hasText: NAMES.sato.name }).click();
    await page.getByTestId('new-create').click();
    await page.getByTestId('conversation-heading').filter({ hasText: NAMES.sato.name }).waitFor();

    await sendMessage(page, 'お疲れさまです。午後の打ち合わせ、15時からで大丈夫ですか?');
    await messagesWithBody(page, 'お疲れさまです。午後の打ち合わせ、15時からで大丈夫ですか?').and(page.locator('[data-status="sent"]')).waitFor();
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');

    // Sato has not opened it: the conversation is listed with one unread message.
    const item = sato.page.getByTestId('conversation-item').filter({ hasText: NAMES.yamada.name });
    await item.getByTestId('unread-count').waitFor();
    expect(await item.getByTestId('unread-count').textContent()).toBe('1');
  });

  test('reading it clears the unread count and shows 既読 to the sender', async () => {
    expect(await yamada.page.getByTestId('read-status').count()).toBe(0);
    await openConversation(sato.page, NAMES.yamada.name);
    await messagesWithBody(sato.page, 'お疲れさまです。午後の打ち合わせ、15時からで大丈夫ですか?').waitFor();
    await sato.page.getByTestId('conversation-item').filter({ hasText: NAMES.yamada.name }).getByTestId('unread-count').waitFor({ state: 'detached' });

    await yamada.page.getByTestId('read-status').waitFor();
    expect(await yamada.page.getByTestId('read-status').textContent()).toBe('既読');
  });

  test('the reply travels back, with a typing indicator first, and keeps its line breaks', async () => {
    const input = sato.page.getByTestId('composer-input');
    await input.pressSequentially('はい、');
    await yamada.page.getByTestId('typing-indicator').filter({ hasText: `${NAMES.sato.name}さんが入力中` }).waitFor();

    await input.press('Shift+Enter');
    await input.pressSequentially('大丈夫です。');
    expect(await input.inputValue()).toBe('はい、\n大丈夫です。');
    await input.press('Enter');

    const reply = messagesWithBody(yamada.page, 'はい、\n大丈夫です。');
    await reply.waitFor();
    expect(await reply.count()).toBe(1);
    const box = await reply.getByTestId('message-body').boundingBox();
    expect(box!.height).toBeGreaterThan(30); // two lines, not one
    await yamada.page.getByTestId('typing-indicator').filter({ hasText: '入力中' }).waitFor({ state: 'detached' });
    // Yamada is looking at the conversation: no unread badge appears for it.
    expect(await yamada.page.getByTestId('conversation-item').getByTestId('unread-count').count()).toBe(0);
    await yamada.page.getByTestId('day-separator').first().waitFor();
    await screenshot(yamada.page, '02-conversation');
  });

  test('a group shows 既読 N as each member reads', async () => {
    const suzuki = await openApp(browser, server.url);
    await signIn(suzuki, office.suzuki.user.loginId, office.suzuki.password);

    const { page } = yamada;
    await page.getByTestId('new-conversation').click();
    await page.getByTestId('new-kind-group').check();
    await page.getByTestId('new-title').fill('システム更改チーム');
    await page.getByTestId('people-search').fill('さ');
    await page.getByTestId('people-option').filter({ hasText: NAMES.sato.name }).click();
    await page.getByTestId('people-search').fill('S'.slice(0, 0) + office.suzuki.user.staffNo);
    await page.getByTestId('people-option').filter({ hasText: NAMES.suzuki.name }).click();
    await page.getByTestId('new-create').click();
    await page.getByTestId('conversation-heading').filter({ hasText: 'システム更改チーム' }).waitFor();
    await sendMessage(page, '来週の作業計画を共有します。');
    const sent = messagesWithBody(page, '来週の作業計画を共有します。');
    await sent.and(page.locator('[data-status="sent"]')).waitFor();

    await openConversation(sato.page, 'システム更改チーム');
    await sent.getByTestId('read-status').filter({ hasText: '既読 1' }).waitFor();
    await openConversation(suzuki.page, 'システム更改チーム');
    await sent.getByTestId('read-status').filter({ hasText: '既読 2' }).waitFor();
    expect(suzuki.errors).toEqual([]);
    await suzuki.context.close();
  });

  test('the session survives a reload, and nothing of the messages is stored in the browser', async () => {
    await sato.page.reload();
    await sato.page.getByTestId('nav-messages').waitFor();
    await openConversation(sato.page, NAMES.yamada.name);
    await messagesWithBody(sato.page, 'はい、\n大丈夫です。').waitFor();

    const stored = await sato.page.evaluate(async () => {
      const dump = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`);
      const dbs = 'databases' in indexedDB ? await indexedDB.databases() : [];
      return { local: dump(localStorage), session: dump(sessionStorage), idb: dbs.map((d) => d.name), cookie: document.cookie };
    });
    const everything = JSON.stringify(stored);
    expect(everything).not.toContain('打ち合わせ');
    expect(everything).not.toContain('大丈夫');
    expect(stored.idb).toEqual([]);
    expect(stored.session).toEqual([]);
    // The session cookie is HttpOnly: the page cannot read it.
    expect(stored.cookie).toBe('');
  });

  test('signing out returns to the sign-in screen, and a reload stays signed out', async () => {
    await sato.page.getByTestId('sign-out').click();
    await sato.page.getByTestId('signin-form').waitFor();
    await sato.page.reload();
    await sato.page.getByTestId('signin-form').waitFor();
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});

void eventually;
