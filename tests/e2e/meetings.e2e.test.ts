import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createConversation } from '../support/factories.js';
import { testDbUri, uniqueDbName } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, messagesWithBody, openConversation, openSignedIn, screenshot, sendMessage, type Person } from './support/browser.js';
import { createOffice, type Office } from './support/people.js';

// A whole quick meeting in two browsers (issue 10): 山田 starts it from the group he shares with
// 佐藤 and 鈴木; 佐藤 accepts the invitation; 鈴木 never comes. They tick the agenda, mark a decision
// and a ToDo, 山田 extends once and ends it; the summary lands in the group; the minutes are printed
// (A4 PDF) and saved as Markdown and CSV. The dialog, the meeting, 自分のToDo and the minutes pass
// axe-core (no serious or critical findings).

const GROUP = '情報政策課 連絡';
const TOPIC = '窓口の混雑対策';
const DECISION = '12月から窓口を2つ増やします';
const TODO = '案内表示を作ります';
const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR ?? 'artifacts/screenshots');

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let sato: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_meetings')) });
  office = await createOffice(server.url);
  await createConversation(office.yamada, 'group', [office.sato, office.suzuki], GROUP);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
});

afterAll(async () => {
  expect(yamada?.errors ?? []).toEqual([]);
  expect(sato?.errors ?? []).toEqual([]);
  await browser?.close();
  await server?.stop();
});

/** The remaining time on the countdown, in seconds. */
async function remaining(page: Page): Promise<number> {
  const [m, s] = (await page.getByRole('timer').textContent())!.split(':').map(Number);
  return m! * 60 + s!;
}

describe('a quick meeting from start to minutes', () => {
  test('started from a group with its members invited, accepted in the other browser, and both see who is there', async () => {
    await openConversation(yamada.page, GROUP);
    await yamada.page.getByTestId('start-meeting').click();
    const dialog = yamada.page.getByTestId('start-meeting-dialog');
    await dialog.waitFor();
    // The group's other members are invited already; 15 minutes unless chosen otherwise.
    expect(await dialog.getByTestId('meeting-selected').textContent()).toContain('佐藤 花子');
    expect(await dialog.getByTestId('meeting-selected').textContent()).toContain('鈴木 一郎');
    expect(await dialog.getByTestId('meeting-duration-15').isChecked()).toBe(true);
    await dialog.getByLabel('件名(必須)').fill(TOPIC);
    await dialog.getByRole('button', { name: '議題を追加' }).click();
    await dialog.getByLabel('議題 1', { exact: true }).fill('現状の共有');
    await dialog.getByLabel('議題 1', { exact: true }).press('Enter'); // Enter adds the next item
    await dialog.getByLabel('議題 2', { exact: true }).fill('対策案の決定');
    await dialog.getByTestId('meeting-duration-5').check();
    expect(await seriousViolations(yamada.page)).toEqual([]);
    await dialog.getByRole('button', { name: '開始する' }).click();

    await yamada.page.getByTestId('meeting-view').waitFor();
    expect(await yamada.page.getByTestId('meeting-topic-heading').textContent()).toBe(TOPIC);
    expect(await remaining(yamada.page)).toBeGreaterThan(4 * 60);

    // 佐藤 is invited in real time and joins.
    const invitation = sato.page.getByTestId('meeting-invited');
    await invitation.waitFor();
    expect(await invitation.textContent()).toContain(`山田 太郎さんから打ち合わせ「${TOPIC}」への招待`);
    await invitation.getByRole('button', { name: '参加する' }).click();
    await sato.page.getByTestId('meeting-view').waitFor();
    expect(await sato.page.getByTestId('meeting-topic-heading').textContent()).toBe(TOPIC);

    // Present: joined and connected; 鈴木 was invited and is absent.
    await yamada.page.getByTestId('meeting-present').getByText('佐藤 花子').waitFor();
    expect(await yamada.page.getByTestId('meeting-absent').textContent()).toContain('鈴木 一郎');
    expect(await yamada.page.getByTestId('meeting-absent').textContent()).not.toContain('佐藤');
    await screenshot(yamada.page, 'meeting-running');
    expect(await seriousViolations(yamada.page)).toEqual([]);
  });

  test('they talk, tick off the agenda, and mark a decision and a ToDo that reaches its assignee', async () => {
    await sendMessage(sato.page, DECISION);
    await messagesWithBody(yamada.page, DECISION).waitFor();
    await sendMessage(yamada.page, TODO);
    await messagesWithBody(sato.page, TODO).and(sato.page.locator('[data-message-id]')).waitFor();

    await yamada.page.getByTestId('agenda-tick').first().check();
    await expect.poll(() => sato.page.getByTestId('agenda-tick').first().isChecked()).toBe(true);

    await messagesWithBody(yamada.page, DECISION).getByTestId('mark-as-decision').click();
    await messagesWithBody(sato.page, DECISION).getByTestId('mark-decision').waitFor();

    const todoRow = messagesWithBody(yamada.page, TODO).and(yamada.page.locator('[data-message-id]'));
    await todoRow.getByTestId('mark-as-todo').click();
    await todoRow.getByLabel('担当者').selectOption({ label: '佐藤 花子' });
    await todoRow.getByLabel('期限(任意)').fill('2026-12-25');
    await todoRow.getByRole('button', { name: '記録する' }).click();
    const seen = messagesWithBody(sato.page, TODO).getByTestId('mark-todo');
    await seen.waitFor();
    expect(await seen.textContent()).toContain('ToDo: 佐藤 花子 (2026-12-25まで)');
    expect(await sato.page.getByTestId('meeting-marks').textContent()).toContain(DECISION);
  });

  test('the host extends it once by 5 minutes; the other side sees the later end', async () => {
    const before = await remaining(sato.page);
    await yamada.page.getByRole('button', { name: '5分延長する' }).click();
    await expect.poll(() => remaining(sato.page)).toBeGreaterThan(before + 4 * 60);
    await sato.page.getByTestId('system-message').filter({ hasText: '打ち合わせを5分延長しました' }).waitFor();
    expect(await sato.page.getByRole('button', { name: '5分延長する' }).count()).toBe(0); // the host's only
  });

  test('ended by the host, it is read-only for both, and its summary lands in the group', async () => {
    yamada.page.once('dialog', (d) => void d.accept());
    await yamada.page.getByTestId('meeting-end').click();
    for (const page of [yamada.page, sato.page]) {
      await page.locator('[data-testid="meeting-view"][data-state="ended"]').waitFor();
      expect(await page.getByTestId('composer-input').count()).toBe(0);
      expect(await page.getByTestId('mark-as-decision').count()).toBe(0);
      expect(await page.getByTestId('agenda-tick').first().isDisabled()).toBe(true);
      // The record is final: no edit, take-back, reaction or pin is offered on its messages.
      await expect.poll(() => page.getByTestId('message-actions').count()).toBe(0);
    }
    await screenshot(sato.page, 'meeting-ended');

    // 佐藤's ToDo waits in 自分のToDo.
    await sato.page.getByTestId('nav-meetings').click();
    await sato.page.getByTestId('meetings-todos').click();
    const todo = sato.page.getByTestId('todo-item').filter({ hasText: TODO });
    await todo.waitFor();
    expect(await todo.textContent()).toContain(`打ち合わせ「${TOPIC}」`);
    expect(await seriousViolations(sato.page)).toEqual([]);

    await yamada.page.getByTestId('nav-messages').click();
    await openConversation(yamada.page, GROUP);
    const summary = yamada.page.getByTestId('system-message').filter({ has: yamada.page.getByTestId('meeting-summary-link') });
    await summary.waitFor();
    expect(await summary.textContent()).toContain(TOPIC);
  });

  test('the minutes open from the summary, print on A4, and save as Markdown and as CSV with a BOM', async () => {
    const page = yamada.page;
    await page.getByTestId('meeting-summary-link').last().click();
    const minutes = page.getByTestId('minutes');
    await minutes.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(TOPIC);
    expect(await page.getByTestId('minutes-decisions').textContent()).toContain(DECISION);
    expect(await page.getByTestId('minutes-todos').textContent()).toContain(TODO);
    expect(await page.getByTestId('minutes-absentees').textContent()).toContain('鈴木 一郎');
    expect(await seriousViolations(page)).toEqual([]);

    // Printed: only the minutes on the page (no top bar or buttons), on A4.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    expect(await page.getByTestId('minutes-print').isVisible()).toBe(false);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'meeting-minutes-print.png'), fullPage: true });
    const pdf = await page.pdf({ path: path.join(SCREENSHOT_DIR, 'meeting-minutes.pdf'), preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });

    const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('minutes-md').click()]);
    expect(md.suggestedFilename()).toBe(`議事録_${TOPIC}.md`);
    const markdown = await readFile((await md.path())!, 'utf8');
    expect(markdown).toContain(TOPIC);
    expect(markdown).toContain(DECISION);
    expect(markdown).toContain(TODO);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('minutes-csv').click()]);
    expect(csv.suggestedFilename()).toBe(`議事録_${TOPIC}.csv`);
    const bytes = await readFile((await csv.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(DECISION);
  });
});
