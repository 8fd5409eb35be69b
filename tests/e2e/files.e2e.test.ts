import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { testDbUri, uniqueDbName } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seriousViolations } from './support/axe.js';
import { messagesWithBody, screenshot } from './support/browser.js';
import { openDirectChat, type DirectChat } from './support/direct-chat.js';

// Files in two browsers (山田 and 佐藤 in their direct conversation): a screenshot pasted from the
// clipboard, a PDF dragged onto the conversation, the thumbnail and the viewer, the download with
// its Japanese name, and the conversation's files list.

let server: TestServer;
let chat: DirectChat;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_files')) });
  chat = await openDirectChat(server.url);
});

afterAll(async () => {
  expect(chat?.yamada.errors ?? []).toEqual([]);
  expect(chat?.sato.errors ?? []).toEqual([]);
  await chat?.browser.close();
  await server?.stop();
});

const PDF_NAME = '令和7年度 予算案（修正版）.pdf';
// A small but well-formed PDF (the server recognises files by their content).
const PDF = [
  '%PDF-1.4',
  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
  '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
  '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
  'trailer << /Root 1 0 R >>',
  '%%EOF',
  '',
].join('\n');

/** A PNG drawn in the page (a red and blue 400 × 300 picture) pasted into the composer, as a screenshot is. */
async function pasteScreenshot(page: Page): Promise<void> {
  await page.getByTestId('composer-input').focus();
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#c00';
    g.fillRect(0, 0, 400, 300);
    g.fillStyle = '#00c';
    g.fillRect(100, 75, 200, 150);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    // Chromium names a pasted screenshot "image.png".
    const data = new DataTransfer();
    data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    const input = document.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')!;
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** Drag a file from outside the browser onto the conversation and drop it (the events a file manager's drag makes). */
async function dropFile(page: Page, name: string, content: string, type: string): Promise<void> {
  const view = page.getByTestId('conversation-view');
  const data = await page.evaluateHandle(
    ({ name, content, type }) => {
      const d = new DataTransfer();
      d.items.add(new File([content], name, { type }));
      return d;
    },
    { name, content, type },
  );
  await view.dispatchEvent('dragenter', { dataTransfer: data });
  await view.dispatchEvent('dragover', { dataTransfer: data });
  await page.getByTestId('drop-zone').waitFor();
  await view.dispatchEvent('drop', { dataTransfer: data });
  await page.getByTestId('drop-zone').waitFor({ state: 'detached' });
}

/**
 * axe-core's serious findings once no message toolbar is fading in or out (it appears on hover
 * and focus with a short transition; half-way its contrast is that of a half-drawn control).
 */
async function axeFindings(page: Page) {
  await page.mouse.move(1, 1);
  await expect
    .poll(() =>
      page.evaluate(() => [...document.querySelectorAll('.msg-actions')].some((e) => !['0', '1'].includes(getComputedStyle(e).opacity))),
    )
    .toBe(false);
  return seriousViolations(page);
}

describe('files', () => {
  test('a screenshot pasted into the composer is sent and the other person sees its thumbnail, then the picture in the viewer', async () => {
    const { yamada, sato } = chat;
    await pasteScreenshot(yamada.page);
    const chip = yamada.page.getByTestId('attachments').getByTestId('attachment');
    await expect(chip.textContent()).resolves.toMatch(/^.*スクリーンショット \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.png/);
    await yamada.page.locator('[data-testid="attachment"][data-status="stored"]').waitFor();
    // Files alone, no text: the message may be sent.
    await yamada.page.getByTestId('composer-input').press('Enter');

    const thumb = sato.page.getByTestId('file-thumbnail').locator('img');
    await thumb.waitFor();
    expect(await thumb.getAttribute('alt')).toMatch(/^スクリーンショット \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.png$/);
    // Drawn at its final size from the start (no jump when it arrives), and actually loaded.
    expect([await thumb.getAttribute('width'), await thumb.getAttribute('height')]).toEqual(['240', '180']);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(sato.page, 'files-thumbnail');

    await sato.page.getByTestId('file-thumbnail').click();
    const viewer = sato.page.getByTestId('file-viewer');
    await viewer.waitFor();
    await expect.poll(() => viewer.getByTestId('file-viewer-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);
    expect(await viewer.getByRole('heading').textContent()).toMatch(/^スクリーンショット/);
    await screenshot(sato.page, 'files-viewer');
    expect(await axeFindings(sato.page)).toEqual([]);
    await sato.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    // The focus is back on the thumbnail that opened it.
    expect(await sato.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-thumbnail');
  });

  test('a PDF dragged onto the conversation is sent with the text, and the other person downloads it under its Japanese name', async () => {
    const { yamada, sato } = chat;
    await dropFile(yamada.page, PDF_NAME, PDF, 'application/pdf');
    await yamada.page.locator('[data-testid="attachment"][data-status="stored"]').waitFor();
    await yamada.page.getByTestId('composer-input').fill('予算案の修正版です');
    await yamada.page.getByTestId('composer-input').press('Enter');

    const message = messagesWithBody(sato.page, '予算案の修正版です');
    const link = message.getByTestId('file-link');
    await link.waitFor();
    expect(await link.textContent()).toContain(PDF_NAME);
    expect(await link.getAttribute('href')).toMatch(/^\/api\/files\/[0-9a-f]{24}$/);

    const [download] = await Promise.all([sato.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(PDF_NAME);
    const saved = await download.path();
    expect(await readFile(saved!, 'utf8')).toBe(PDF);
    // The conversation with its thumbnail and file link passes axe-core.
    expect(await axeFindings(sato.page)).toEqual([]);
  });

  test('a file over the size limit is refused in the composer before anything is sent, saying why', async () => {
    const { yamada } = chat;
    await yamada.page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(21 * 1024 * 1024)], '大きすぎる動画.pdf', { type: 'application/pdf' }));
      const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
      input.files = data.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const refusal = yamada.page.getByTestId('attachment-refused');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('「大きすぎる動画.pdf」(21 MB)は大きすぎるため添付できません。1 ファイル 20 MB までです。');
    expect(await yamada.page.getByTestId('attachment').count()).toBe(0);
  });

  test('the conversation’s files list shows both, newest first, filters by kind, and goes to the message', async () => {
    const { sato } = chat;
    await sato.page.getByTestId('open-files').click();
    const panel = sato.page.getByTestId('files-panel');
    await panel.getByTestId('files-item').nth(1).waitFor();
    const names = await panel.getByTestId('files-name').allTextContents();
    expect(names[0]).toBe(PDF_NAME);
    expect(names[1]).toMatch(/^スクリーンショット/);

    await panel.getByTestId('files-kind').selectOption('image');
    await expect.poll(() => panel.getByTestId('files-name').allTextContents()).toEqual([names[1]]);
    await screenshot(sato.page, 'files-list');
    expect(await axeFindings(sato.page)).toEqual([]);

    await panel.getByTestId('files-jump').click();
    await panel.waitFor({ state: 'detached' });
    await sato.page.locator('[data-testid="message"][data-highlighted="true"] [data-testid="file-thumbnail"]').waitFor();
  });
});
