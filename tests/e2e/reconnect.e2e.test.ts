import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { connectSocket, emitAck } from '../support/sockets.js';
import { messagesWithBody, screenshot, sendMessage, type Person } from './support/browser.js';
import type { Office } from './support/people.js';
import { openDirectChat } from './support/direct-chat.js';

let server: TestServer;
let dbUri: string;
let port: number;
let browser: Browser;
let office: Office;
let conversationId: string;
let yamada: Person;
let sato: Person;

beforeAll(async () => {
  dbUri = testDbUri(uniqueDbName('e2e_reconnect'));
  server = await startTestServer({ dbUri });
  port = server.server.port;
  ({ office, conversationId, browser, yamada, sato } = await openDirectChat(server.url));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const BEFORE = '再起動の前に送ったメッセージ';
const QUEUED = ['サーバー停止中に入力した 1 通目', 'サーバー停止中に入力した 2 通目'];
const ELSEWHERE = '再起動の直後に別の端末から送ったメッセージ';
const AFTER = '戻りました。続けましょう。';

describe('the server restarts mid-conversation', () => {
  test('the conversation is under way', async () => {
    await sendMessage(yamada.page, BEFORE);
    await messagesWithBody(sato.page, BEFORE).waitFor();
  });

  test('while the server is down both see the banner, and what Sato sends waits as pending', async () => {
    await server.stop();
    for (const person of [yamada, sato]) {
      await person.page.locator('[data-testid="connection-banner"][data-state="down"]').waitFor();
      expect(await person.page.getByTestId('connection-banner').textContent()).toContain('接続が切れています');
    }
    for (const text of QUEUED) await sendMessage(sato.page, text);
    for (const text of QUEUED) {
      await messagesWithBody(sato.page, text).and(sato.page.locator('[data-status="pending"]')).waitFor();
    }
    await screenshot(sato.page, '05-disconnected');
    // Keep Yamada away a little longer, so that he must fetch what he missed (GET …/messages?after=).
    await yamada.context.setOffline(true);
  });

  test('after the restart every message appears exactly once on both sides', async () => {
    server = await startTestServer({ dbUri, port });

    // Sato also writes from another terminal before Yamada is back.
    const other = await connectSocket(server.url, office.sato.token);
    const ack = await emitAck(other, 'message:send', { conversationId, clientMsgId: 'elsewhere-0001', body: ELSEWHERE });
    expect(ack.ok).toBe(true);
    other.close();

    // Sato's browser reconnects by itself and sends the queued messages with their own clientMsgIds.
    await sato.page.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached', timeout: 30_000 });
    for (const text of [...QUEUED, ELSEWHERE]) {
      await messagesWithBody(sato.page, text).and(sato.page.locator('[data-status="sent"]')).waitFor();
    }

    await yamada.context.setOffline(false);
    await yamada.page.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached', timeout: 30_000 });
    for (const text of [...QUEUED, ELSEWHERE]) await messagesWithBody(yamada.page, text).waitFor();
    await yamada.page.locator('[data-testid="connection-banner"]:not([data-state="down"])').waitFor({ state: 'attached' });

    // Give any late duplicate (an event and a fetch of the same message) time to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    for (const person of [yamada, sato]) {
      for (const text of [BEFORE, ...QUEUED, ELSEWHERE]) expect(await messagesWithBody(person.page, text).count()).toBe(1);
      expect(await person.page.getByTestId('message').count()).toBe(4);
    }
    // In the order they were stored, numbered without gaps.
    const seqs = await yamada.page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual([1, 2, 3, 4]);
    const stored = await office.yamada.api.get(`/api/conversations/${conversationId}/messages`);
    expect(stored.body.messages.map((m: { body: string }) => m.body).sort()).toEqual([BEFORE, ...QUEUED, ELSEWHERE].sort());
  });

  test('the conversation carries on in real time after the restart', async () => {
    await sendMessage(yamada.page, AFTER);
    await messagesWithBody(sato.page, AFTER).waitFor();
    expect(await messagesWithBody(sato.page, AFTER).count()).toBe(1);
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
