import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, CDPSession } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { messagesWithBody, type Person } from './support/browser.js';
import { openDirectChat } from './support/direct-chat.js';

let server: TestServer;
let browser: Browser;
let yamada: Person;
let sato: Person;
let cdp: CDPSession;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_ime')) });
  ({ browser, yamada, sato } = await openDirectChat(server.url));
  cdp = await yamada.context.newCDPSession(yamada.page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Enter while a Japanese IME is composing only confirms the conversion', () => {
  test('Enter during an IME composition (Input.imeSetComposition) sends nothing; the next Enter sends', async () => {
    const { page } = yamada;
    const input = page.getByTestId('composer-input');
    await input.click();

    // The IME shows "にほんご" as an uncommitted composition, then the person presses Enter to convert.
    await cdp.send('Input.imeSetComposition', { text: 'にほんご', selectionStart: 4, selectionEnd: 4 });
    expect(await input.inputValue()).toBe('にほんご');
    await page.keyboard.press('Enter');
    await pause(800);
    expect(await page.getByTestId('message').count()).toBe(0);
    expect(await sato.page.getByTestId('message').count()).toBe(0);

    // The IME commits the converted text ("日本語"); the composition ends.
    await cdp.send('Input.insertText', { text: '日本語' });
    const value = await input.inputValue();
    expect(value.trim()).toBe('日本語');
    await pause(300);
    expect(await page.getByTestId('message').count()).toBe(0);

    // Now Enter sends.
    await page.keyboard.press('Enter');
    await messagesWithBody(sato.page, '日本語').waitFor();
    expect(await messagesWithBody(sato.page, '日本語').count()).toBe(1);
    expect(await input.inputValue()).toBe('');
  });

  test('Enter with keyCode 229 (the IME has the key, as Safari reports it) sends nothing', async () => {
    const { page } = yamada;
    const input = page.getByTestId('composer-input');
    await input.fill('会議室');
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
    await pause(800);
    expect(await messagesWithBody(page, '会議室').count()).toBe(0);
    await input.press('Enter');
    await messagesWithBody(sato.page, '会議室').waitFor();
  });

  test('a composition driven by composition events behaves the same', async () => {
    const { page } = yamada;
    const input = page.getByTestId('composer-input');
    await input.fill('確認中');
    const before = await page.getByTestId('message').count();
    // compositionstart, then Enter flagged isComposing, then a plain Enter still inside the
    // composition (compositionend not yet fired): neither sends.
    await page.evaluate(() => {
      const el = document.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')!;
      el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, isComposing: true }));
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
    });
    await pause(800);
    expect(await page.getByTestId('message').count()).toBe(before);
    await page.evaluate(() => {
      const el = document.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')!;
      el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '確認中' }));
    });
    await input.press('Enter');
    await messagesWithBody(sato.page, '確認中').waitFor();
    expect(await messagesWithBody(sato.page, '確認中').count()).toBe(1);
  });

  test('送信 clicked during a conversion sends nothing; the converted text is sent with the next click', async () => {
    const { page } = yamada;
    const input = page.getByTestId('composer-input');
    await input.fill('');
    await input.click();
    const before = await page.getByTestId('message').count();

    await cdp.send('Input.imeSetComposition', { text: 'かいぎ', selectionStart: 3, selectionEnd: 3 });
    await page.getByTestId('composer-send').click();
    await pause(800);
    expect(await page.getByTestId('message').count()).toBe(before);
    expect(await messagesWithBody(sato.page, 'かいぎ').count()).toBe(0);

    // The conversion carries on (the click did not take the focus) and commits the converted text.
    await cdp.send('Input.insertText', { text: '会議' });
    expect(await input.inputValue()).toBe('会議');
    await page.getByTestId('composer-send').click();
    await messagesWithBody(sato.page, '会議').waitFor();
    expect(await messagesWithBody(sato.page, '会議').count()).toBe(1);
    expect(await messagesWithBody(sato.page, 'かいぎ').count()).toBe(0);
  });

  test('Escape that cancels a conversion closes neither my presence panel nor a dialog', async () => {
    const { page } = yamada;
    await page.getByTestId('my-presence-button').click();
    const panel = page.getByTestId('my-presence-panel');
    await page.getByTestId('status-text').click();
    await cdp.send('Input.imeSetComposition', { text: 'がいしゅつ', selectionStart: 5, selectionEnd: 5 });
    await page.keyboard.press('Escape');
    await pause(500);
    expect(await panel.count()).toBe(1);
    await cdp.send('Input.insertText', { text: '外出' });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    await page.getByTestId('new-conversation').click();
    const dialog = page.getByTestId('new-conversation-dialog');
    await page.getByTestId('people-search').click();
    await cdp.send('Input.imeSetComposition', { text: 'さとう', selectionStart: 3, selectionEnd: 3 });
    await page.keyboard.press('Escape');
    await pause(500);
    expect(await dialog.count()).toBe(1);
    await cdp.send('Input.insertText', { text: 'さとう' });
    // (After a CDP composition Chromium's dialog ignores the next Escape; close it by its button.)
    await dialog.getByRole('button', { name: 'キャンセル' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
    expect(sato.errors).toEqual([]);
  });
});
