import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { launchBrowser, messagesWithBody, openConversation, openSignedIn, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let conversationId: string;
let sato: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_offline_queue')) });
  office = await createOffice(server.url);
  conversationId = (await createConversation(office.yamada, 'dm', [office.sato])).id;
  browser = await launchBrowser();
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
  await openConversation(sato.page, NAMES.yamada.name);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Hold the catch-up after a reconnect (one `POST /api/sync`, server/sync/README.md), as a slow
 * network would, until `release()`.
 */
async function holdDirectory(page: Page): Promise<{ release: () => Promise<void>; answered: () => boolean }> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let answered = false;
  await page.route('**/api/sync', async (route) => {
    await gate;
    await route.continue();
    answered = true;
  });
  return {
    answered: () => answered,
    release: async () => {
      open();
      await page.unrouteAll({ behavior: 'wait' });
    },
  };
}

async function goOffline(person: Person): Promise<void> {
  await person.context.setOffline(true);
  await person.page.locator('[data-testid="connection-banner"][data-state="down"]').waitFor();
}

async function comeBack(person: Person): Promise<void> {
  await person.context.setOffline(false);
  await person.page.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached', timeout: 30_000 });
}

const sentMessage = (page: Page, body: string) => messagesWithBody(page, body).and(page.locator('[data-status="sent"]'));

async function storedBodies(): Promise<string[]> {
  const res = await office.yamada.api.get(`/api/conversations/${conversationId}/messages`);
  return res.body.messages.map((m: { body: string }) => m.body);
}

describe('messages written while offline', () => {
  test('go out as soon as the connection is back, without waiting for the rest of the catch-up', async () => {
    const { page } = sato;
    await goOffline(sato);
    await sendMessage(page, '電車の中で書いた 1');
    await sendMessage(page, '電車の中で書いた 2');
    await messagesWithBody(page, '電車の中で書いた 2').and(page.locator('[data-status="pending"]')).waitFor();

    const directory = await holdDirectory(page);
    await comeBack(sato);
    await sentMessage(page, '電車の中で書いた 1').waitFor();
    await sentMessage(page, '電車の中で書いた 2').waitFor();
    // Still connected, and the directory is still on its way: nothing was waiting for it.
    expect(directory.answered()).toBe(false);
    expect(await page.getByTestId('connection-banner').getAttribute('data-connection')).toBe('connected');
    await directory.release();
    expect(await storedBodies()).toEqual(['電車の中で書いた 1', '電車の中で書いた 2']);
  });

  test('go out in the order they were written, before a message typed right after the reconnect', async () => {
    const { page } = sato;
    await goOffline(sato);
    await sendMessage(page, 'オフライン中 1');
    await sendMessage(page, 'オフライン中 2');
    await messagesWithBody(page, 'オフライン中 2').and(page.locator('[data-status="pending"]')).waitFor();

    const directory = await holdDirectory(page);
    await comeBack(sato);
    await sendMessage(page, '再接続直後に入力');
    for (const body of ['オフライン中 1', 'オフライン中 2', '再接続直後に入力']) await sentMessage(page, body).waitFor();
    await directory.release();

    const order = ['電車の中で書いた 1', '電車の中で書いた 2', 'オフライン中 1', 'オフライン中 2', '再接続直後に入力'];
    expect(await storedBodies()).toEqual(order);
    expect(await page.getByTestId('message-body').allTextContents()).toEqual(order);
  });

  test('no page had an error', () => {
    expect(sato.errors).toEqual([]);
  });
});
