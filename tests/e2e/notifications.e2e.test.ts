import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { eventually, launchBrowser, messagesWithBody, openConversation, openSignedIn, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let sato: Person;

/**
 * In the page before the app: notifications are recorded instead of shown, and the test can
 * hide the tab (`window.__setHidden(true)`), which a headless browser cannot do by itself.
 */
function instrument(): void {
  const w = window as unknown as { __notes: Array<{ title: string; body?: string }>; __closed: string[]; __setHidden: (h: boolean) => void };
  w.__notes = [];
  w.__closed = [];
  const Real = window.Notification;
  class Recorder {
    static get permission() {
      return Real.permission;
    }
    static requestPermission() {
      return Real.requestPermission();
    }
    onclick: (() => void) | null = null;
    onclose: (() => void) | null = null;
    private readonly title: string;
    constructor(title: string, options?: NotificationOptions) {
      this.title = title;
      w.__notes.push({ title, body: options?.body });
    }
    close() {
      w.__closed.push(this.title);
      this.onclose?.();
    }
  }
  (window as unknown as { Notification: unknown }).Notification = Recorder;
  // The window's focus, which a headless browser always reports as held (`__setFocused`).
  let focused = true;
  Document.prototype.hasFocus = () => focused;
  (w as unknown as { __setFocused: (f: boolean) => void }).__setFocused = (f: boolean) => {
    focused = f;
    window.dispatchEvent(new FocusEvent(f ? 'focus' : 'blur'));
  };
  let hidden = false;
  Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { get: () => hidden });
  w.__setHidden = (h: boolean) => {
    hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Array<{ title: string; body?: string }> }).__notes);
const setFocused = (page: Page, focused: boolean) => page.evaluate((f) => (window as unknown as { __setFocused: (f: boolean) => void }).__setFocused(f), focused);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);

let group: string;
let yamadaSocket: ClientSocket;
let sentByYamada = 0;
async function yamadaSends(body: string, extra: Record<string, unknown> = {}): Promise<void> {
  sentByYamada += 1;
  const ack = await emitAck(yamadaSocket, 'message:send', { conversationId: group, clientMsgId: `notify-e2e-${String(sentByYamada).padStart(4, '0')}`, body, ...extra });
  expect(ack.ok).toBe(true);
}
/** 佐藤's page has the message (its conversation's preview shows it) and has drawn what follows. */
async function arrived(page: Page, text: string): Promise<void> {
  await page.getByTestId('conversation-item').filter({ hasText: text }).waitFor();
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_notifications')) });
  office = await createOffice(server.url);
  await createConversation(office.yamada, 'dm', [office.sato]);
  group = (await createConversation(office.yamada, 'group', [office.sato, office.suzuki], '庶務連絡')).id;
  yamadaSocket = await server.connect(office.yamada);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password, {
    permissions: ['notifications'],
    initScript: instrument,
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('desktop notifications for direct messages', () => {
  test('are offered quietly, and turned on only when the person agrees', async () => {
    const prompt = sato.page.getByTestId('notification-prompt');
    await prompt.waitFor();
    await prompt.getByRole('button', { name: '通知を受け取る' }).click();
    await prompt.waitFor({ state: 'detached' });
  });

  test('a direct message while the tab is hidden shows a notification; a group message does not', async () => {
    await setHidden(sato.page, true);
    await openConversation(yamada.page, '庶務連絡');
    await sendMessage(yamada.page, 'グループへの連絡です');
    await openConversation(yamada.page, NAMES.sato.name);
    await sendMessage(yamada.page, '至急ご確認ください');
    await sato.page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length > 0);
    await sato.page.waitForTimeout(500);
    expect(await notes(sato.page)).toEqual([{ title: `${NAMES.yamada.name}さんからのメッセージ`, body: '至急ご確認ください' }]);
  });

  test('nothing is shown while the tab is in view', async () => {
    await setHidden(sato.page, false);
    await sendMessage(yamada.page, '見えているときは通知しません');
    await sato.page.getByTestId('conversation-item').filter({ hasText: '見えているときは通知しません' }).waitFor();
    expect(await notes(sato.page)).toHaveLength(1);
  });

  test('a mention in a group notifies while the window is visible but not focused (behind another application)', async () => {
    await setHidden(sato.page, false);
    await setFocused(sato.page, false);
    const before = (await notes(sato.page)).length;
    await yamadaSends(`@${NAMES.sato.name} 見積書の確認をお願いします`, { mentions: [office.sato.user.id] });
    await sato.page.waitForFunction((n) => (window as unknown as { __notes: unknown[] }).__notes.length > n, before);
    expect((await notes(sato.page)).slice(before)).toEqual([
      { title: `${NAMES.yamada.name}さんがあなたをメンションしました`, body: `庶務連絡\n@${NAMES.sato.name} 見積書の確認をお願いします` },
    ]);
    // A group message that names nobody does not notify (every-message is off by default).
    await yamadaSends('共有フォルダを整理しました');
    await arrived(sato.page, '共有フォルダを整理しました');
    expect(await notes(sato.page)).toHaveLength(before + 1);
  });

  test('what notifies is chosen in the settings, kept on the server, and followed at once', async () => {
    await setFocused(sato.page, true);
    await sato.page.getByTestId('open-settings').click();
    const all = sato.page.getByTestId('notify-setting-all');
    expect(await all.isChecked()).toBe(false);
    expect(await sato.page.getByTestId('notify-setting-mentions').isChecked()).toBe(true);
    await all.check();
    await eventually(async () => (await office.sato.api.get('/api/notification-settings')).body.all, (v) => v === true, 10_000, 'the setting stored');
    await sato.page.getByTestId('notify-setting-mentions').uncheck();
    await eventually(async () => (await office.sato.api.get('/api/notification-settings')).body.mentions, (v) => v === false, 10_000, 'the setting stored');
    await sato.page.keyboard.press('Escape');
    await setFocused(sato.page, false);
    const before = (await notes(sato.page)).length;
    await yamadaSends('全員向けの普通の連絡');
    await sato.page.waitForFunction((n) => (window as unknown as { __notes: unknown[] }).__notes.length > n, before);
    expect((await notes(sato.page)).slice(before)).toEqual([{ title: `${NAMES.yamada.name}さんからのメッセージ`, body: '庶務連絡\n全員向けの普通の連絡' }]);
    // Put back: mentions on, every message off.
    await setFocused(sato.page, true);
    await office.sato.api.request('PUT', '/api/notification-settings', { all: false, mentions: true });
  });

  test('the switch in the settings turns them off', async () => {
    await sato.page.getByTestId('open-settings').click();
    const toggle = sato.page.getByTestId('notifications-toggle');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await sato.page.keyboard.press('Escape');
    await setHidden(sato.page, true);
    const before = (await notes(sato.page)).length;
    await sendMessage(yamada.page, '通知はオフのはず');
    await sato.page.getByTestId('conversation-item').filter({ hasText: '通知はオフのはず' }).waitFor();
    await sato.page.waitForTimeout(300);
    expect(await notes(sato.page)).toHaveLength(before);
    await setHidden(sato.page, false);
    await openConversation(sato.page, NAMES.yamada.name);
    await messagesWithBody(sato.page, '通知はオフのはず').waitFor();
  });

  test('signing out closes the notifications still on the desktop', async () => {
    expect(await sato.page.evaluate(() => (window as unknown as { __closed: string[] }).__closed)).toEqual([]);
    await sato.page.getByTestId('sign-out').click();
    await sato.page.getByTestId('signin-form').waitFor();
    const closed = await sato.page.evaluate(() => (window as unknown as { __closed: string[] }).__closed);
    expect(closed.sort()).toEqual((await notes(sato.page)).map((n) => n.title).sort());
    expect(closed).toContain(`${NAMES.yamada.name}さんからのメッセージ`);
  });

  test('「今はしない」 means later, not never: the offer comes back another day', async () => {
    const suzuki = await openSignedIn(browser, server.url, office.suzuki.user.loginId, office.suzuki.password, { permissions: ['notifications'] });
    const prompt = suzuki.page.getByTestId('notification-prompt');
    await prompt.waitFor();
    await prompt.getByTestId('notification-later').click();
    await prompt.waitFor({ state: 'detached' });
    // The same day, a reload does not ask again.
    await suzuki.page.reload();
    await suzuki.page.getByTestId('nav-messages').waitFor();
    await suzuki.page.getByTestId('conversation-item').first().waitFor();
    expect(await prompt.count()).toBe(0);
    // Another day (the day it was put off moved back to yesterday), it asks again.
    await suzuki.page.evaluate(() => localStorage.setItem('notifications-later', '2000-01-01'));
    await suzuki.page.reload();
    await prompt.waitFor();
    expect(suzuki.errors).toEqual([]);
    await suzuki.context.close();
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
