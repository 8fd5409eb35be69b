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
  let hidden = false;
  Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { get: () => hidden });
  w.__setHidden = (h: boolean) => {
    hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Array<{ title: string; body?: string }> }).__notes);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_notifications')) });
  office = await createOffice(server.url);
  await createConversation(office.yamada, 'dm', [office.sato]);
  await createConversation(office.yamada, 'group', [office.sato, office.suzuki], '庶務連絡');
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

  test('the switch in the settings turns them off', async () => {
    await sato.page.getByTestId('open-settings').click();
    const toggle = sato.page.getByTestId('notifications-toggle');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await sato.page.keyboard.press('Escape');
    await setHidden(sato.page, true);
    await sendMessage(yamada.page, '通知はオフのはず');
    await sato.page.getByTestId('conversation-item').filter({ hasText: '通知はオフのはず' }).waitFor();
    await sato.page.waitForTimeout(300);
    expect(await notes(sato.page)).toHaveLength(1);
    await setHidden(sato.page, false);
    await openConversation(sato.page, NAMES.yamada.name);
    await messagesWithBody(sato.page, '通知はオフのはず').waitFor();
  });

  test('signing out closes the notifications still on the desktop', async () => {
    expect(await sato.page.evaluate(() => (window as unknown as { __closed: string[] }).__closed)).toEqual([]);
    await sato.page.getByTestId('sign-out').click();
    await sato.page.getByTestId('signin-form').waitFor();
    expect(await sato.page.evaluate(() => (window as unknown as { __closed: string[] }).__closed)).toEqual([`${NAMES.yamada.name}さんからのメッセージ`]);
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
