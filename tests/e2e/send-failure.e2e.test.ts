import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { messagesWithBody, sendMessage, type Person } from './support/browser.js';
import type { Office } from './support/people.js';
import { openDirectChat } from './support/direct-chat.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let conversationId: string;
let yamada: Person;
let sato: Person;

beforeAll(async () => {
  // Three messages per two seconds: the fourth is refused with rate_limited.
  server = await startTestServer({
    dbUri: testDbUri(uniqueDbName('e2e_send_failure')),
    config: { MESSAGE_RATE_LIMIT: 3, MESSAGE_RATE_WINDOW_S: 2 },
  });
  ({ office, conversationId, browser, yamada, sato } = await openDirectChat(server.url));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a message the server refuses', () => {
  test('shows the error and a retry button, and the retry sends it once with the same clientMsgId', async () => {
    const { page } = yamada;
    for (const text of ['一件目', '二件目', '三件目', '四件目']) await sendMessage(page, text);
    const failed = messagesWithBody(page, '四件目');
    await failed.and(page.locator('[data-status="failed"]')).waitFor();
    expect(await failed.getByTestId('send-error').textContent()).toContain('操作が多すぎます');
    const clientMsgId = await failed.getAttribute('data-client-msg-id');
    expect(await messagesWithBody(sato.page, '四件目').count()).toBe(0);

    await page.waitForTimeout(2200); // the rate window passes
    await failed.getByTestId('retry-send').click();
    await messagesWithBody(page, '四件目').and(page.locator('[data-status="sent"]')).waitFor();
    await messagesWithBody(sato.page, '四件目').waitFor();
    expect(await messagesWithBody(page, '四件目').count()).toBe(1);
    expect(await messagesWithBody(sato.page, '四件目').count()).toBe(1);

    const stored = await office.yamada.api.get(`/api/conversations/${conversationId}/messages`);
    const fourth = stored.body.messages.filter((m: { body: string }) => m.body === '四件目');
    expect(fourth).toHaveLength(1);
    expect(fourth[0].clientMsgId).toBe(clientMsgId);
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
