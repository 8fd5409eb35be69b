import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { launchBrowser, messagesWithBody, openApp, waitConnected, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

let server: TestServer;
let browser: Browser;
let office: Office;
let tanaka: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_accessibility')) });
  office = await createOffice(server.url);
  await createConversation(office.tanaka, 'dm', [office.yamada]);
  browser = await launchBrowser();
  tanaka = await openApp(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Interactive elements on screen without an accessible name (a rough, strict check). */
function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const nameOf = (el: Element): string => {
      const aria = el.getAttribute('aria-label');
      if (aria) return aria;
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length) return [...labels].map((l) => l.textContent ?? '').join(' ');
      return (el.textContent ?? '').trim() || el.getAttribute('title') || '';
    };
    return [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => (el as HTMLElement).offsetParent !== null || el.tagName === 'INPUT')
      .filter((el) => !(el as HTMLInputElement).type || (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => !nameOf(el).trim())
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

/** The focused element has a visible outline. */
function focusVisible(page: Page): Promise<{ tag: string; outline: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

describe('keyboard and screen-reader use', () => {
  test('signing in works from the keyboard alone', async () => {
    const { page } = tanaka;
    await page.getByTestId('login-id').waitFor();
    expect(await unlabelled(page)).toEqual([]);
    // The login id field has the focus on arrival.
    await page.keyboard.type(office.tanaka.user.loginId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(office.tanaka.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('nav-messages').waitFor();
    await waitConnected(page);
    // A screen reader goes on in the main area, not back at the top of the page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('the first Tab reaches a visible "skip to content" link, then the navigation, each with a visible focus ring', async () => {
    const { page } = tanaka;
    // The page from its top, as after a reload.
    await page.reload();
    await page.getByTestId('nav-messages').waitFor();
    await waitConnected(page);
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('本文へ移動');
    expect((await focusVisible(page)).outline).toMatch(/^solid [1-9]/);
    // On the messages screen, the button that folds the conversation list comes first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('sidebar-toggle');
    expect((await focusVisible(page)).outline).toMatch(/^solid [1-9]/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-messages');
    expect((await focusVisible(page)).outline).toMatch(/^solid [1-9]/);
  });

  test('a conversation can be opened and answered from the keyboard', async () => {
    const { page } = tanaka;
    await page.getByTestId('conversation-item').first().focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('conversation-heading').filter({ hasText: NAMES.yamada.name }).waitFor();
    // The composer takes the focus when a conversation opens.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');
    await page.keyboard.type('キーボードだけで送信しました');
    await page.keyboard.press('Enter');
    await messagesWithBody(page, 'キーボードだけで送信しました').waitFor();
    expect(await unlabelled(page)).toEqual([]);
    // The connection banner and new messages are announced.
    expect(await page.getByTestId('connection-banner').getAttribute('aria-live')).toBe('assertive');
    expect(await page.getByTestId('new-message-announcer').getAttribute('aria-live')).toBe('polite');
  });

  test('the new-conversation dialog is labelled, keeps focus inside, and closes with Escape', async () => {
    const { page } = tanaka;
    await page.getByTestId('new-conversation').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('new-conversation-dialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('people-search');
    expect(await unlabelled(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('my presence panel, the directory and the board have no unlabelled controls', async () => {
    const { page } = tanaka;
    await page.getByTestId('my-presence-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('my-presence-panel').waitFor();
    expect(await unlabelled(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('my-presence-panel').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('my-presence-button');

    await page.getByTestId('nav-directory').click();
    await page.getByTestId('person-card').first().waitFor();
    expect(await unlabelled(page)).toEqual([]);
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('overview-row').first().waitFor();
    expect(await unlabelled(page)).toEqual([]);
  });

  test('no page had an error', () => {
    expect(tanaka.errors).toEqual([]);
  });
});
