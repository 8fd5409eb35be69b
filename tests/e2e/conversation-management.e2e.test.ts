import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { uniqueDbName, testDbUri } from '../support/database.js';
import { createConversation } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, launchBrowser, openConversation, openSignedIn, screenshot, sendMessage, type Person } from './support/browser.js';
import { createOffice, NAMES, type Office } from './support/people.js';

// Issue 9, conversations people can manage: leaving with a confirmation, a supervisor opening a
// channel from the screen (and someone joining it from the channel list), mute and favourite,
// and drafts that survive a reload and follow the person to another browser.

let server: TestServer;
let browser: Browser;
let office: Office;
let yamada: Person;
let sato: Person;
let tanaka: Person; // supervisor

beforeAll(async () => {
  server = await startTestServer({ dbUri: testDbUri(uniqueDbName('e2e_convmgmt')) });
  office = await createOffice(server.url);
  browser = await launchBrowser();
  yamada = await openSignedIn(browser, server.url, office.yamada.user.loginId, office.yamada.password);
  sato = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
  tanaka = await openSignedIn(browser, server.url, office.tanaka.user.loginId, office.tanaka.password);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const item = (person: Person, title: string) => person.page.getByTestId('conversation-item').filter({ hasText: title });

describe('leaving a group', () => {
  test('asks first; cancelling keeps it; confirming removes it here and tells the others', async () => {
    await createConversation(office.yamada, 'group', [office.sato, office.suzuki], '退出する班');
    await item(sato, '退出する班').waitFor();
    await openConversation(sato.page, '退出する班');

    await sato.page.getByTestId('leave-conversation').click();
    const dialog = sato.page.getByTestId('leave-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('「退出する班」から退出しますか?');
    await screenshot(sato.page, 'convmgmt-01-leave-dialog');
    await sato.page.getByTestId('leave-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await item(sato, '退出する班').count()).toBe(1);

    await sato.page.getByTestId('leave-conversation').click();
    await sato.page.getByTestId('leave-confirm').click();
    await item(sato, '退出する班').waitFor({ state: 'detached' });
    await eventually(async () => new URL(sato.page.url()).pathname, (p) => p === '/', 15_000, 'back to the list');

    await openConversation(yamada.page, '退出する班');
    await yamada.page.getByTestId('system-message').filter({ hasText: `${NAMES.sato.name}さんが退出しました` }).waitFor();
    expect(sato.errors).toEqual([]);
  });
});

describe('channels', () => {
  test('a supervisor opens a channel for everyone from the channel list; staff find it there and join', async () => {
    const { page } = tanaka;
    await page.getByTestId('browse-channels').click();
    await page.getByTestId('channel-browser').waitFor();
    await page.getByTestId('create-channel').click();
    const create = page.getByTestId('new-conversation-dialog');
    await create.waitFor();
    expect(await page.getByTestId('new-kind-channel').isChecked()).toBe(true);
    await page.getByTestId('new-title').fill('全庁テレワーク連絡');
    await page.getByTestId('new-visibility-everyone').check();
    await page.getByTestId('new-create').click();
    await page.getByTestId('conversation-heading').filter({ hasText: '全庁テレワーク連絡' }).waitFor();
    await item(tanaka, '全庁テレワーク連絡').waitFor();

    // Staff cannot open channels: the choice is not offered to them.
    await sato.page.getByTestId('new-conversation').click();
    await sato.page.getByTestId('new-conversation-dialog').waitFor();
    expect(await sato.page.getByTestId('new-kind-channel').count()).toBe(0);
    await sato.page.getByTestId('new-conversation-dialog').getByRole('button', { name: 'キャンセル' }).click();

    await sato.page.getByTestId('browse-channels').click();
    const row = sato.page.getByTestId('channel-item').filter({ hasText: '全庁テレワーク連絡' });
    await row.waitFor();
    expect(await row.textContent()).toContain('全庁に公開');
    // Their department's own channel is listed too, already theirs.
    await sato.page.getByTestId('channel-item').filter({ hasText: '部署チャンネル' }).first().waitFor();
    await screenshot(sato.page, 'convmgmt-02-channel-list');
    await row.getByTestId('channel-join').click();
    await row.getByTestId('channel-open').click();
    await sato.page.getByTestId('conversation-heading').filter({ hasText: '全庁テレワーク連絡' }).waitFor();
    await sato.page.getByTestId('system-message').filter({ hasText: `${NAMES.sato.name}さんが参加しました` }).waitFor();
    // The creator sees the newcomer live.
    await tanaka.page.getByTestId('system-message').filter({ hasText: `${NAMES.sato.name}さんが参加しました` }).waitFor();
    expect(tanaka.errors).toEqual([]);
  });
});

describe('mute, favourite and drafts', () => {
  test('a muted conversation shows a grey badge; a favourite is pinned to the top; both survive a reload', async () => {
    await createConversation(office.yamada, 'group', [office.sato], 'ミュートする班');
    await createConversation(office.yamada, 'group', [office.sato], 'お気に入りの班');
    await item(sato, 'ミュートする班').waitFor();
    await openConversation(sato.page, 'ミュートする班');
    await sato.page.getByTestId('conv-mute').click();
    await item(sato, 'ミュートする班').getByTestId('muted-mark').waitFor();
    expect(await sato.page.getByTestId('conv-mute').getAttribute('aria-pressed')).toBe('true');

    await openConversation(sato.page, 'お気に入りの班');
    await sato.page.getByTestId('conv-favourite').click();
    await item(sato, 'お気に入りの班').getByTestId('favourite-mark').waitFor();

    // A message in the muted one, then one in another conversation: the favourite stays on top.
    await openConversation(yamada.page, 'ミュートする班');
    await sendMessage(yamada.page, 'ミュート中のお知らせ');
    await createConversation(office.yamada, 'group', [office.sato], '新しい班');
    const badge = item(sato, 'ミュートする班').getByTestId('unread-count');
    await badge.waitFor();
    expect(await badge.getAttribute('class')).toContain('badge--muted');
    expect(await badge.getAttribute('aria-label')).toContain('ミュート中');
    const titles = () => sato.page.getByTestId('conversation-title').allTextContents();
    await eventually(titles, (t) => t.includes('新しい班'), 15_000, 'the new group listed');
    expect((await titles())[0]).toBe('お気に入りの班');
    await screenshot(sato.page, 'convmgmt-03-muted-and-favourite');

    await sato.page.reload();
    await item(sato, 'ミュートする班').getByTestId('muted-mark').waitFor();
    expect((await titles())[0]).toBe('お気に入りの班');
    expect(await item(sato, 'ミュートする班').getByTestId('unread-count').getAttribute('class')).toContain('badge--muted');

    // Unmuting: the badge is an ordinary one again.
    await openConversation(sato.page, 'ミュートする班');
    await sato.page.getByTestId('conv-mute').click();
    await item(sato, 'ミュートする班').getByTestId('muted-mark').waitFor({ state: 'detached' });
  });

  test('a draft survives a reload and follows the person to another browser; sending clears it', async () => {
    await openConversation(sato.page, 'お気に入りの班');
    const input = sato.page.getByTestId('composer-input');
    await input.fill('明日の会議資料は');
    // Kept on the server once typing pauses.
    const stored = () => office.sato.api.get(`/api/conversations/${sato.page.url().split('/c/')[1]}/draft`).then((r) => r.body.body as string);
    await eventually(stored, (body) => body === '明日の会議資料は', 15_000, 'the draft stored');
    expect(await sato.page.evaluate(() => localStorage.length + sessionStorage.length)).toBeLessThanOrEqual(2);
    expect(await sato.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain('明日の会議資料は');

    await sato.page.reload();
    await openConversation(sato.page, 'お気に入りの班');
    await eventually(() => sato.page.getByTestId('composer-input').inputValue(), (v) => v === '明日の会議資料は', 15_000, 'the draft restored');

    const elsewhere = await openSignedIn(browser, server.url, office.sato.user.loginId, office.sato.password);
    await openConversation(elsewhere.page, 'お気に入りの班');
    await eventually(() => elsewhere.page.getByTestId('composer-input').inputValue(), (v) => v === '明日の会議資料は', 15_000, 'the draft on the other browser');

    await sato.page.getByTestId('composer-input').press('Enter');
    await eventually(stored, (body) => body === '', 15_000, 'the draft cleared');
    expect(sato.errors).toEqual([]);
    expect(elsewhere.errors).toEqual([]);
  });
});
