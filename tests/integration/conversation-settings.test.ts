import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSettingsEventSchema, draftSchema } from '../../shared/schemas/conversation-management.js';
import { conversationSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, login, type SignedIn } from '../support/factories.js';
import { EventLog, settle } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 9: mute, favourite and drafts are the person's own, kept on the server: they follow the
// person to another terminal (a second sign-in), reach their other connections live, survive a
// reconnect through the sync cursor, and are never seen by anyone else.

let t: TestServer;
let alice: SignedIn;
let aliceElsewhere: SignedIn; // the same person signed in on another terminal
let bob: SignedIn;
let carol: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, carol] } = await createTeam(t.url, 3));
  aliceElsewhere = await login(t.url, alice.user.loginId, alice.password);
});
afterAll(async () => {
  await t.stop();
});

describe('mute and favourite', () => {
  it('are kept per person: the other terminal sees them live and on a fresh fetch; the other members never do', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], '設定テスト');
    const elsewhere = await t.connect(aliceElsewhere);
    const settingsThere = new EventLog(elsewhere, 'conversation:settings', conversationSettingsEventSchema);
    const bobSocket = await t.connect(bob);
    const settingsAtBob = new EventLog(bobSocket, 'conversation:settings', conversationSettingsEventSchema);

    const res = await alice.api.put(`/api/conversations/${conv.id}/settings`, { muted: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ conversationId: conv.id, muted: true, favourite: false });
    await settingsThere.until((e) => e.length === 1);
    expect(settingsThere.events[0]).toEqual({ conversationId: conv.id, muted: true, favourite: false });

    expect((await alice.api.put(`/api/conversations/${conv.id}/settings`, { favourite: true })).body).toEqual({
      conversationId: conv.id,
      muted: true,
      favourite: true,
    });
    await settingsThere.until((e) => e.length === 2);

    const mine = conversationSchema.parse((await aliceElsewhere.api.get(`/api/conversations/${conv.id}`)).body);
    expect(mine).toMatchObject({ muted: true, favourite: true });
    const listed = (await aliceElsewhere.api.get('/api/conversations')).body.find((c: { id: string }) => c.id === conv.id);
    expect(listed).toMatchObject({ muted: true, favourite: true });
    // Bob's view of the same conversation carries none of Alice's settings, and he heard nothing.
    const his = (await bob.api.get(`/api/conversations/${conv.id}`)).body;
    expect(his.muted).toBeUndefined();
    expect(his.favourite).toBeUndefined();
    await settle(bobSocket);
    expect(settingsAtBob.events).toEqual([]);

    // Unmuting keeps the favourite; the view drops `muted`.
    await alice.api.put(`/api/conversations/${conv.id}/settings`, { muted: false });
    const after = (await alice.api.get(`/api/conversations/${conv.id}`)).body;
    expect(after.muted).toBeUndefined();
    expect(after.favourite).toBe(true);
  });

  it('a returning client learns of a mute made elsewhere through one sync (the state tag changes)', async () => {
    const conv = await createConversation(alice, 'group', [bob], '同期テスト');
    const first = await alice.api.post('/api/sync', {});
    expect(first.status).toBe(200);
    const quiet = await alice.api.post('/api/sync', { cursor: first.body.cursor });
    expect(quiet.body.conversations.map((c: { id: string }) => c.id)).not.toContain(conv.id);

    await aliceElsewhere.api.put(`/api/conversations/${conv.id}/settings`, { muted: true });
    const back = await alice.api.post('/api/sync', { cursor: quiet.body.cursor });
    expect(back.body.conversations.find((c: { id: string }) => c.id === conv.id)).toMatchObject({ muted: true });
    // A second change of the same document (no read mark moves): the tag still changes.
    await aliceElsewhere.api.put(`/api/conversations/${conv.id}/settings`, { favourite: true });
    const again = await alice.api.post('/api/sync', { cursor: back.body.cursor });
    expect(again.body.conversations.find((c: { id: string }) => c.id === conv.id)).toMatchObject({ muted: true, favourite: true });

    // Bob's cursor does not move for Alice's settings.
    const bobFirst = await bob.api.post('/api/sync', {});
    await aliceElsewhere.api.put(`/api/conversations/${conv.id}/settings`, { favourite: false });
    const bobAgain = await bob.api.post('/api/sync', { cursor: bobFirst.body.cursor });
    expect(bobAgain.body.conversations.map((c: { id: string }) => c.id)).not.toContain(conv.id);
    // A rename moves everyone's.
    await alice.api.patch(`/api/conversations/${conv.id}`, { title: '同期テスト2' });
    const bobRenamed = await bob.api.post('/api/sync', { cursor: bobAgain.body.cursor });
    expect(bobRenamed.body.conversations.find((c: { id: string }) => c.id === conv.id)?.title).toBe('同期テスト2');
  });

  it('only members may change them; bad bodies are 400 and change nothing', async () => {
    const conv = await createConversation(alice, 'group', [bob], '部外者設定');
    expect((await carol.api.put(`/api/conversations/${conv.id}/settings`, { muted: true })).status).toBe(403);
    for (const body of [{}, { muted: 'yes' }, { muted: true, colour: 'red' }]) {
      expect((await alice.api.put(`/api/conversations/${conv.id}/settings`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await alice.api.get(`/api/conversations/${conv.id}`)).body.muted).toBeUndefined();
  });
});

describe('drafts', () => {
  it('are kept on the server, as typed, and follow the person to another terminal; an empty one is deleted', async () => {
    const conv = await createConversation(alice, 'group', [bob], '下書きテスト');
    expect((await alice.api.get(`/api/conversations/${conv.id}/draft`)).body).toEqual({ body: '' });

    const text = '  明日の会議ですが、\n資料を  ';
    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: text })).status).toBe(204);
    const there = draftSchema.parse((await aliceElsewhere.api.get(`/api/conversations/${conv.id}/draft`)).body);
    expect(there.body).toBe(text);
    expect(there.updatedAt).toBeDefined();
    // Another member has their own (empty) draft.
    expect((await bob.api.get(`/api/conversations/${conv.id}/draft`)).body).toEqual({ body: '' });

    expect((await aliceElsewhere.api.put(`/api/conversations/${conv.id}/draft`, { body: '書き直し' })).status).toBe(204);
    expect((await alice.api.get(`/api/conversations/${conv.id}/draft`)).body.body).toBe('書き直し');

    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: '' })).status).toBe(204);
    expect((await aliceElsewhere.api.get(`/api/conversations/${conv.id}/draft`)).body).toEqual({ body: '' });
  });

  it('are capped at the message size, members only; a refused save keeps the stored draft', async () => {
    const conv = await createConversation(alice, 'group', [bob], '下書き上限');
    await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: '残る下書き' });
    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: 'あ'.repeat(10_001) })).status).toBe(400);
    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: 42 })).status).toBe(400);
    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: 'x', extra: true })).status).toBe(400);
    expect((await alice.api.get(`/api/conversations/${conv.id}/draft`)).body.body).toBe('残る下書き');
    // The cap counts characters: 10,000 astral ones fit.
    expect((await alice.api.put(`/api/conversations/${conv.id}/draft`, { body: '😀'.repeat(10_000) })).status).toBe(204);

    expect((await carol.api.put(`/api/conversations/${conv.id}/draft`, { body: '覗き見' })).status).toBe(403);
    expect((await carol.api.get(`/api/conversations/${conv.id}/draft`)).status).toBe(403);
  });
});
