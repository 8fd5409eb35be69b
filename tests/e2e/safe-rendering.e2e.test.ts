import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { launchBrowser, messagesWithBody, openConversation, openSignedIn, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let sato: Person;
const dialogs: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_safe_rendering')) });
  office = await createOffice(server.url);
  await createConversation(office.yamada, 'dm', [office.sato]);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
  for (const person of [yamada, sato]) person.page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  await openConversation(yamada.page, NAMES.sato.name);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const ATTACKS = [
  '<img src=x onerror=alert(1)>',
  '<script>window.__pwned = 1</script>',
  '<a href="javascript:alert(2)">リンク</a> <b>太字</b>',
  '<svg onload="window.__pwned = 2"></svg>',
];

describe('message bodies are text, never markup', () => {
  test('markup in a message shows as typed and runs nothing, for the sender and the reader', async () => {
    for (const body of ATTACKS) await sendMessage(yamada.page, body);
    await openConversation(sato.page, NAMES.yamada.name);
    for (const person of [yamada, sato]) {
      for (const body of ATTACKS) {
        const message = messagesWithBody(person.page, body);
        await message.waitFor();
        expect(await message.getByTestId('message-body').textContent()).toBe(body);
      }
      const list = person.page.getByTestId('message-list');
      expect(await list.locator('img, script, svg, a[href^="javascript"], b').count()).toBe(0);
      expect(await person.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    // The conversation list's preview is text too.
    const preview = await sato.page.getByTestId('conversation-item').first().textContent();
    expect(preview).toContain('<svg onload=');
    await new Promise((r) => setTimeout(r, 500));
    expect(dialogs).toEqual([]);
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
