import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { messageModel } from '../../server/messaging/message.model.js';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createConversation } from '../support/factories.js';
import { launchBrowser, messagesWithBody, openConversation, openSignedIn, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

/** Tens of thousands of messages in one conversation. */
const TOTAL = Number(process.env.E2E_LONG_HISTORY ?? 20_000);

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_long_history')), config: { MESSAGE_RATE_LIMIT: 1_000_000 } });
  office = await createOffice(server.url);
  const { id: conversationId } = await createConversation(office.yamada, 'dm', [office.sato]);
  // Seeded straight into the messages collection (the service's own model and unique indexes),
  // spread over the last days, so that the run stays quick; the newest goes through the service.
  const messages = messageModel(server.server.services.conn);
  const start = Date.now() - 10 * 86_400_000;
  const step = Math.floor((10 * 86_400_000) / TOTAL);
  for (let from = 1; from < TOTAL; from += 2000) {
    const docs = [];
    for (let i = from; i < Math.min(from + 2000, TOTAL); i++) {
      const sender = i % 3 === 0 ? office.yamada.user : office.sato.user;
      docs.push({
        conversationId: new Types.ObjectId(conversationId),
        seq: i,
        senderId: new Types.ObjectId(sender.id),
        body: i % 7 === 0 ? `メッセージ ${i}\n二行目\n三行目` : `メッセージ ${i}`,
        clientMsgId: `seed-${i.toString().padStart(8, '0')}`,
        mentions: [],
        createdAt: new Date(start + i * step),
      });
    }
    await messages.insertMany(docs);
  }
  await server.server.services.messaging.send(office.sato.user, { conversationId, clientMsgId: 'seed-last', body: `メッセージ ${TOTAL}` });
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const seqsInDom = (page: Page) => page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
const scroller = (page: Page) => page.getByTestId('message-list');

/** The first message whose top is inside the scroller's viewport. */
function firstVisibleSeq(page: Page): Promise<number> {
  return scroller(page).evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const rows = [...el.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    const first = rows.find((r) => r.getBoundingClientRect().top >= top);
    return Number(first?.getAttribute('data-seq') ?? 0);
  });
}

describe(`a conversation with ${TOTAL.toLocaleString()} messages`, () => {
  test('opens at the latest message with only a screenful of rows in the page', async () => {
    await openConversation(yamada.page, NAMES.sato.name);
    await messagesWithBody(yamada.page, `メッセージ ${TOTAL}`).waitFor();
    const seqs = await seqsInDom(yamada.page);
    expect(seqs.length).toBeLessThan(80);
    expect(Math.max(...seqs)).toBe(TOTAL);
  });

  test('scrolling up loads older pages above and keeps the reader in place', async () => {
    const { page } = yamada;
    // Each older page is held back until the reader's place is taken, so that the test knows what
    // the reader was looking at before the page arrived, however quick the server is.
    let held: (() => void) | null = null;
    const olderPages = /\/api\/conversations\/[^/]+\/messages\?.*before=/;
    await page.route(olderPages, async (route) => {
      await new Promise<void>((release) => (held = release));
      await route.continue();
    });
    const where = (seq: number) =>
      scroller(page).evaluate((el, s) => {
        const row = el.querySelector(`[data-seq="${s}"]`);
        const a = el.getBoundingClientRect();
        const b = row?.getBoundingClientRect();
        return { found: Boolean(row), onScreen: Boolean(b && b.bottom > a.top && b.top < a.bottom), scrollTop: el.scrollTop };
      }, seq);
    try {
      for (let round = 0; round < 5; round++) {
        held = null;
        await scroller(page).evaluate(async (el) => {
          // A reader's gesture (the wheel), then the position it leads to.
          el.dispatchEvent(new WheelEvent('wheel', { bubbles: true, deltaY: -100 }));
          el.dispatchEvent(new WheelEvent('wheel', { bubbles: true })); // the reader's own scroll, as a wheel turn starts it
          el.scrollTop = 2;
        });
        await expect.poll(() => held !== null).toBe(true); // the older page was asked for
        // The reader's place once the rows on screen are drawn and measured: two looks alike.
        let anchor = 0;
        await expect
          .poll(async () => {
            const seen = await firstVisibleSeq(page);
            const same = seen === anchor;
            anchor = seen;
            return same && seen > 0;
          })
          .toBe(true);
        const oldest = Math.min(...(await seqsInDom(page)));
        expect(anchor - oldest).toBeLessThan(20); // at the top of what is loaded
        held!();
        await page.waitForFunction(
          (min) => [...document.querySelectorAll('[data-testid="message"]')].some((e) => Number(e.getAttribute('data-seq')) < min),
          oldest,
        );
        // The message that was at the top is still on screen once the new rows are measured (a
        // few frames; longer on a busy machine), and stays: the view did not jump to the new ones.
        await expect.poll(() => where(anchor)).toMatchObject({ found: true, onScreen: true });
        await page.waitForTimeout(200);
        const place = await where(anchor);
        expect(place).toMatchObject({ found: true, onScreen: true });
        expect(place.scrollTop).toBeGreaterThan(1000);
        expect((await seqsInDom(page)).length).toBeLessThan(80);
      }
    } finally {
      await page.unroute(olderPages);
      (held as (() => void) | null)?.();
    }
  });

  test('with tens of thousands of messages loaded, wherever the reader scrolls that part of the history is on screen, with only a screenful of rows in the page', async () => {
    const { page } = yamada;
    // Keep scrolling to the top until the whole history is loaded in the page.
    const started = Date.now();
    for (let round = 0; round < TOTAL / 100 && (await page.getByTestId('load-older').count()) > 0; round++) {
      const min = Math.min(...(await seqsInDom(page)));
      await scroller(page).evaluate((el) => {
        el.dispatchEvent(new WheelEvent('wheel', { bubbles: true, deltaY: -100 }));
        el.dispatchEvent(new WheelEvent('wheel', { bubbles: true })); // the reader's own scroll, as a wheel turn starts it
        el.scrollTop = 0;
      });
      await page.waitForFunction(
        (before) =>
          !document.querySelector('[data-testid="load-older"]') ||
          [...document.querySelectorAll('[data-testid="message"]')].some((e) => Number(e.getAttribute('data-seq')) < before),
        min,
      );
    }
    console.log(`[long history] ${TOTAL} messages loaded by scrolling up in ${Date.now() - started} ms`);
    await scroller(page).evaluate((el) => {
      el.dispatchEvent(new WheelEvent('wheel', { bubbles: true, deltaY: -100 }));
      el.dispatchEvent(new WheelEvent('wheel', { bubbles: true })); // the reader's own scroll, as a wheel turn starts it
      el.scrollTop = 0;
    });
    await page.getByText('会話の始まりです。').waitFor();
    await messagesWithBody(page, 'メッセージ 1').waitFor();
    expect((await seqsInDom(page)).length).toBeLessThan(80);
    // From the top to the end in tenths of the whole height: each place shows its own messages,
    // later ones the further down, and the page never holds more than a screenful of rows.
    const firstSeqs: number[] = [];
    for (let tenth = 0; tenth <= 10; tenth++) {
      await scroller(page).evaluate((el, t) => {
        el.dispatchEvent(new WheelEvent('wheel', { bubbles: true })); // the reader's own scroll, as a wheel turn starts it
        el.scrollTop = (Math.max(0, el.scrollHeight - el.clientHeight) * t) / 10;
      }, tenth);
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="message-list"]')!;
        const box = el.getBoundingClientRect();
        const onScreen = [...el.querySelectorAll('[data-testid="message"]')].filter((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > box.top && b.top < box.bottom;
        });
        return onScreen.length >= 3;
      });
      firstSeqs.push(await firstVisibleSeq(page));
      expect((await seqsInDom(page)).length).toBeLessThan(80);
    }
    expect(firstSeqs[0]).toBe(1);
    for (let i = 1; i < firstSeqs.length; i++) expect(firstSeqs[i]).toBeGreaterThan(firstSeqs[i - 1]!);
    expect(Math.max(...(await seqsInDom(page)))).toBe(TOTAL);
  });

  test('no page had an error', () => {
    expect(yamada.errors).toEqual([]);
  });
});
