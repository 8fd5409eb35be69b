import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createConversation } from '../support/factories.js';
import { testDbUri, uniqueDbName } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { emitAck } from '../support/sockets.js';
import { launchBrowser, messagesWithBody, openConversation, openSignedIn, screenshot, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

// Message actions in two browsers (山田 and 佐藤 in a group with 鈴木): edit, take back, reply
// (with the jump to an original not yet loaded), stamps, and 確認依頼 with a reminder.

const GROUP = '情報政策課 連絡';

let server: TestServer;
let browser: Browser;
let office: Office;
let groupId: string;
let yamada: Person;
let sato: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_message_actions')) });
  office = await createOffice(server.url);
  groupId = (await createConversation(office.yamada, 'group', [office.sato, office.suzuki], GROUP)).id;
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
  await openConversation(yamada.page, GROUP);
  await openConversation(sato.page, GROUP);
});

afterAll(async () => {
  expect(yamada?.errors ?? []).toEqual([]);
  expect(sato?.errors ?? []).toEqual([]);
  await browser?.close();
  await server?.stop();
});

/** Send from the composer and wait until the server has it. */
async function send(page: Page, text: string): Promise<Locator> {
  await sendMessage(page, text);
  const row = messagesWithBody(page, text).and(page.locator('[data-status="sent"]'));
  await row.waitFor();
  return row;
}

/** An action of a message row (the toolbar shows on hover). */
async function action(row: Locator, name: string): Promise<void> {
  await row.hover();
  await row.getByTestId(`action-${name}`).click();
}

describe('message actions in the browser', () => {
  test('editing: the author edits in place and the other person sees the new text marked 「(編集済み)」', async () => {
    const row = await send(yamada.page, '会議は3時からです');
    await action(row, 'edit');
    const input = yamada.page.getByTestId('edit-input');
    await input.fill('会議は4時からです');
    await input.press('Enter');
    const seen = messagesWithBody(sato.page, '会議は4時からです');
    await seen.getByTestId('edited-mark').waitFor();
    expect(await seen.getByTestId('edited-mark').textContent()).toBe('(編集済み)');
    await messagesWithBody(sato.page, '会議は3時からです').waitFor({ state: 'detached' });
  });

  test('taking back: after confirming, everyone sees 「このメッセージは取り消されました」 in its place', async () => {
    const row = await send(yamada.page, '誤って送った内容です');
    const seq = await row.getAttribute('data-seq');
    yamada.page.once('dialog', (dialog) => void dialog.accept());
    await action(row, 'take-back');
    const gone = sato.page.locator(`[data-testid="message"][data-seq="${seq}"] [data-testid="message-body"]`);
    await gone.filter({ hasText: 'このメッセージは取り消されました' }).waitFor();
    expect(await sato.page.getByText('誤って送った内容です').count()).toBe(0);
    await screenshot(sato.page, 'msg-taken-back');
  });

  test('replying: a quote above the composer, the reply shows the snippet, and a taken-back original shows 「元のメッセージは取り消されました」', async () => {
    const original = await send(yamada.page, '来週の当番表を共有します');
    const seen = messagesWithBody(sato.page, '来週の当番表を共有します');
    await seen.waitFor();
    await action(seen, 'reply');
    await sato.page.getByTestId('composer-quote').filter({ hasText: `${NAMES.yamada.name}さんへの返信` }).waitFor();
    await send(sato.page, '確認します');
    expect(await sato.page.getByTestId('composer-quote').count()).toBe(0);

    const reply = messagesWithBody(yamada.page, '確認します');
    await reply.getByTestId('reply-quote').filter({ hasText: '来週の当番表を共有します' }).waitFor();
    yamada.page.once('dialog', (dialog) => void dialog.accept());
    await action(original, 'take-back');
    await messagesWithBody(sato.page, '確認します').getByTestId('reply-quote').filter({ hasText: '元のメッセージは取り消されました' }).waitFor();
  });

  test('a quote jumps to its original, loading older history that was not loaded yet', async () => {
    const yamadaSocket = await server.connect(office.yamada);
    const first = await emitAck(yamadaSocket, 'message:send', { conversationId: groupId, clientMsgId: 'jump-original-0001', body: 'はるか昔の議題' });
    expect(first.ok).toBe(true);
    for (let i = 0; i < 70; i++) {
      const ack = await emitAck(yamadaSocket, 'message:send', { conversationId: groupId, clientMsgId: `jump-filler-${String(i).padStart(4, '0')}`, body: `経過報告 ${i}` });
      expect(ack.ok).toBe(true);
    }
    const satoSocket = await server.connect(office.sato);
    const reply = await emitAck(satoSocket, 'message:send', { conversationId: groupId, clientMsgId: 'jump-reply-0001', body: 'あの議題について', replyToId: first.message.id });
    expect(reply.ok).toBe(true);

    // A fresh page: only the latest 50 messages are loaded, the original is not among them.
    const later = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
    await openConversation(later.page, GROUP);
    const quote = messagesWithBody(later.page, 'あの議題について').getByTestId('reply-quote');
    await quote.waitFor();
    expect(await later.page.locator(`[data-testid="message"][data-seq="${first.message.seq}"]`).count()).toBe(0);
    await quote.click();
    const target = later.page.locator(`[data-testid="message"][data-seq="${first.message.seq}"][data-highlighted="true"]`);
    await target.waitFor();
    expect(await target.isVisible()).toBe(true);
    expect(await target.getByTestId('message-body').textContent()).toBe('はるか昔の議題');
    await later.context.close();
  });

  test('stamps: 「了解です」 shows with its count and who chose it; pressing one’s own takes it back', async () => {
    await send(yamada.page, '資料を共有フォルダに置きました');
    const seen = messagesWithBody(sato.page, '資料を共有フォルダに置きました');
    await seen.waitFor();
    await action(seen, 'react');
    await sato.page.getByTestId('reaction-picker').getByTestId('stamp').filter({ hasText: '了解です' }).click();

    const chip = messagesWithBody(yamada.page, '資料を共有フォルダに置きました').locator('[data-testid="reaction"][data-reaction="stamp:ryokai"]');
    await chip.filter({ hasText: '了解です' }).filter({ hasText: '1' }).waitFor();
    await chip.hover();
    await chip.getByTestId('reaction-who').filter({ hasText: NAMES.sato.name }).waitFor({ state: 'visible' });
    await screenshot(yamada.page, 'msg-stamp');

    const mine = seen.locator('[data-testid="reaction"][data-reaction="stamp:ryokai"]');
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    await mine.click();
    await chip.waitFor({ state: 'detached' });
  });

  test('確認依頼: the recipient confirms, the sender sees who has and who has not, and reminds those pending once an hour', async () => {
    await yamada.page.getByTestId('ack-request-toggle').check();
    const row = await send(yamada.page, '明日の研修資料を確認してください');
    expect(await yamada.page.getByTestId('ack-request-toggle').isChecked()).toBe(false);

    const progress = row.getByTestId('ack-progress');
    await progress.filter({ hasText: '確認 0/2' }).waitFor();
    await progress.click();
    const pending = row.getByTestId('ack-pending');
    await pending.filter({ hasText: NAMES.sato.name }).filter({ hasText: NAMES.suzuki.name }).waitFor();
    await row.getByTestId('ack-remind').click();
    await row.getByTestId('ack-note').filter({ hasText: '2人にリマインドしました' }).waitFor();

    // 佐藤 is reminded, and confirms.
    await sato.page.getByTestId('reminder').filter({ hasText: '明日の研修資料を確認してください' }).waitFor();
    const seen = messagesWithBody(sato.page, '明日の研修資料を確認してください');
    await seen.getByTestId('ack-button').filter({ hasText: '確認しました' }).click();
    await seen.getByTestId('ack-done').waitFor();
    await sato.page.getByTestId('reminder').waitFor({ state: 'detached' });

    await progress.filter({ hasText: '確認 1/2' }).waitFor();
    await row.getByTestId('ack-confirmed').filter({ hasText: NAMES.sato.name }).waitFor();
    await eventuallyText(row.getByTestId('ack-pending'), (text) => text.includes(NAMES.suzuki.name) && !text.includes(NAMES.sato.name));
    await screenshot(yamada.page, 'msg-ack-panel');

    // A second reminder within the hour is refused, and says so.
    await row.getByTestId('ack-remind').click();
    await row.getByTestId('ack-note').filter({ hasText: '1時間に1回まで' }).waitFor();
  });
});

async function eventuallyText(locator: Locator, check: (text: string) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = (await locator.textContent()) ?? '';
    if (check(text)) return;
    if (Date.now() > deadline) throw new Error(`text never matched: ${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
