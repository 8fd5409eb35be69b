import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSchema, messageNewEventSchema, type Conversation } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { seedGroups } from '../support/seed.js';
import { emitAck, EventLog, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 8 item 8 (c): the conversation list pages by activity instead of dropping entries.

let t: TestServer;
let member: SignedIn;
let creator: SignedIn;
let creatorSocket: ClientSocket;
let ids: string[];

beforeAll(async () => {
  t = await startTestServer({ config: { CONVERSATION_CREATE_LIMIT: 10_000 } });
  ({ people: [member, creator] } = await createTeam(t.url, 2));
  // Two made through the API, the rest seeded in the same shape (seedGroups): the list cannot tell.
  ids = await seedGroups(t, creator.user.id, [member.user.id], 248, (i) => `会話 ${i}`);
  for (let i = 248; i < 250; i++) ids.push((await createConversation(creator, 'group', [member], `会話 ${i}`)).id);
  creatorSocket = await t.connect(creator);
  // Activity out of creation order: every seventh conversation gets a message, oldest first.
  for (let i = 0; i < 250; i += 7) {
    await emitAck(creatorSocket, 'message:send', { conversationId: ids[i], clientMsgId: `paging-${i}`, body: `更新 ${i}` });
  }
  // Activity times are written a moment after each send: let them land before paging.
  await t.server.services.conversations.flushActivity();
}, 180_000);
afterAll(async () => {
  await t.stop();
});

/** Latest activity first, then larger id: the order the server promises. */
function byActivity(a: Conversation, b: Conversation): number {
  return b.activityAt!.localeCompare(a.activityAt!) || b.id.localeCompare(a.id);
}

async function page(limit: number, before?: string) {
  const res = await member.api.get(`/api/conversations?limit=${limit}${before ? `&before=${before}` : ''}`);
  expect(res.status).toBe(200);
  const list = res.body.map((c: unknown) => conversationSchema.parse(c)) as Conversation[];
  return { list, next: res.headers.get('x-next-cursor') ?? undefined };
}

describe('paging the conversation list', () => {
  it('a member of 250 conversations gets them all across pages, in activity order, none twice, none missing', async () => {
    const first = await page(100);
    const second = await page(100, first.next);
    const third = await page(100, second.next);
    expect([first.list.length, second.list.length, third.list.length]).toEqual([100, 100, 50]);
    expect(first.next).toBeDefined();
    expect(second.next).toBeDefined();
    expect(third.next).toBeUndefined();

    const walk = [...first.list, ...second.list, ...third.list];
    expect(new Set(walk.map((c) => c.id)).size).toBe(250);
    expect(walk.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(walk).toEqual([...walk].sort(byActivity));
    // The conversations with a message lead, the most recent message first.
    const active = ids.filter((_, i) => i % 7 === 0).reverse();
    expect(walk.slice(0, active.length).map((c) => c.id)).toEqual(active);
  });

  it('without a limit the page is 200 long, and a bad cursor or limit is bad_request', async () => {
    const res = await member.api.get('/api/conversations');
    expect(res.body).toHaveLength(200);
    expect(res.headers.get('x-next-cursor')).toMatch(/^\d+_[0-9a-f]{24}$/);
    for (const query of ['limit=0', 'limit=201', 'before=abc', 'before=1_zz', 'other=1']) {
      const bad = await member.api.get(`/api/conversations?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toBe('bad_request');
    }
  });

  it('a message sent between page requests neither repeats a conversation nor loses one the client can know of', async () => {
    const socket = await t.connect(member);
    const live = new EventLog(socket, 'message:new', messageNewEventSchema);
    const first = await page(100);
    // One conversation already listed and one not yet listed get a message now.
    const listed = first.list[50]!.id;
    const unlisted = (await page(100, first.next)).list[10]!.id;
    for (const [n, id] of [listed, unlisted].entries()) {
      await emitAck(creatorSocket, 'message:send', { conversationId: id, clientMsgId: `paging-between-${n}`, body: '割り込み' });
    }
    await live.until((e) => e.length === 2);
    await t.server.services.conversations.flushActivity();

    const second = await page(100, first.next);
    const third = await page(100, second.next);
    const walk = [...first.list, ...second.list, ...third.list].map((c) => c.id);
    // None twice …
    expect(new Set(walk).size).toBe(walk.length);
    // … every conversation without activity during the walk exactly once, in order …
    const quiet = ids.filter((id) => id !== unlisted);
    expect(walk.filter((id) => id !== unlisted).sort()).toEqual(quiet.sort());
    // … and the one that moved above the cursor reached the member live, and heads a fresh first page.
    const known = new Set([...walk, ...live.events.map((e) => e.message.conversationId)]);
    expect([...known].sort()).toEqual([...ids].sort());
    const fresh = await page(2);
    expect(fresh.list.map((c) => c.id)).toEqual([unlisted, listed]);
  });
});
