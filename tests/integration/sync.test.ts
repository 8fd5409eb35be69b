import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryListingSchema } from '../../shared/schemas/directory.js';
import { syncAnswerSchema, type SyncAnswer } from '../../shared/schemas/sync.js';
import { Api } from '../support/http.js';
import { createConversation, createTeam, createUser, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';

/**
 * POST /api/sync: one request catches a returning client up on everything it missed
 * (server/sync/README.md). Every answer is parsed with its shared schema.
 */

let t: TestServer;
let admin: SignedIn;
let departmentId: string;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 0);
  admin = team.admin;
  departmentId = team.department.id;
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await t?.stop();
});

/** A client of /api/sync that counts its own requests, as the web client would. */
class SyncClient {
  requests = 0;
  cursor: string | undefined;

  constructor(private readonly api: Api) {}

  async sync(seqs?: Record<string, number>): Promise<SyncAnswer> {
    this.requests += 1;
    const res = await this.api.post('/api/sync', { ...(this.cursor ? { cursor: this.cursor } : {}), ...(seqs ? { seqs } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const answer = syncAnswerSchema.parse(res.body);
    this.cursor = answer.cursor;
    return answer;
  }
}

async function person(): Promise<SignedIn> {
  return createUser(admin, departmentId);
}

async function socketOf(p: SignedIn, server: TestServer = t): Promise<ClientSocket> {
  return server.connect({ token: p.token });
}

let sent = 0;
async function send(socket: ClientSocket, conversationId: string, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) {
    sent += 1;
    const ack = await emitAck(socket, 'message:send', { conversationId, clientMsgId: `sync-test-${sent}`, body: `本文 ${sent}` });
    expect(ack.ok).toBe(true);
  }
}

/** Every database command the server sends while `action` runs (driver command monitoring). */
async function commandsDuring(server: TestServer, action: () => Promise<unknown>): Promise<CommandStartedEvent[]> {
  const client = server.server.services.conn.getClient();
  const seen: CommandStartedEvent[] = [];
  const listener = (e: CommandStartedEvent) => seen.push(e);
  client.on('commandStarted', listener);
  try {
    await action();
  } finally {
    client.off('commandStarted', listener);
  }
  return seen;
}

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'createIndexes', 'drop']);
const seqsOf = (page: { messages: { seq: number }[] } | undefined) => page?.messages.map((m) => m.seq) ?? [];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a client that was away', () => {
  it('gets new messages in 3 conversations, a moved read mark and a new conversation in ONE request, nothing twice', async () => {
    const [me, alice, bob, dave] = [await person(), await person(), await person(), await person()];
    const group = await createConversation(alice, 'group', [me, bob], '係会議');
    const dm = await createConversation(alice, 'dm', [me]);
    const busy = await createConversation(bob, 'group', [me, dave], '窓口当番');
    const readOnly = await createConversation(me, 'dm', [dave]);
    const still = await createConversation(me, 'dm', [bob]);
    const [aliceS, bobS, daveS, meS] = [await socketOf(alice), await socketOf(bob), await socketOf(dave), await socketOf(me)];
    await send(aliceS, group.id, 2);
    await send(aliceS, dm.id, 1);
    await send(bobS, busy.id, 3);
    await send(meS, readOnly.id, 2);
    await send(meS, still.id, 1);

    // The client loads its list and the history of three conversations, then goes away.
    const client = new SyncClient(me.api);
    const first = await client.sync({ [group.id]: 2, [dm.id]: 1, [busy.id]: 3 });
    expect(first.full).toBe(true);
    expect(first.conversations.map((c) => c.id).sort()).toEqual([group.id, dm.id, busy.id, readOnly.id, still.id].sort());
    expect(first.messages).toEqual({});
    meS.close();

    // While away: messages in three conversations (60 in one: more than one answer holds), Bob
    // reads the group, Dave reads my dm (a read mark alone), Alice opens a new group with me.
    await send(aliceS, group.id, 3);
    await send(aliceS, dm.id, 2);
    await send(bobS, busy.id, 60);
    expect((await emitAck(bobS, 'conversation:read', { conversationId: group.id, seq: 4 })).ok).toBe(true);
    expect((await emitAck(daveS, 'conversation:read', { conversationId: readOnly.id, seq: 2 })).ok).toBe(true);
    const added = await createConversation(alice, 'group', [me, dave], '新しい相談');

    // Activity times are written a moment after each send: let them land, so that the views in the
    // answer and a fresh fetch below are of the same stored state.
    await t.server.services.conversations.flushActivity();
    const before = client.requests;
    const answer = await client.sync({ [group.id]: 2, [dm.id]: 1, [busy.id]: 3 });
    expect(client.requests - before).toBe(1);
    expect(answer.full).toBe(false);

    expect(seqsOf(answer.messages[group.id])).toEqual([3, 4, 5]);
    expect(answer.messages[group.id]!.hasMore).toBe(false);
    expect(seqsOf(answer.messages[dm.id])).toEqual([2, 3]);
    expect(seqsOf(answer.messages[busy.id])).toEqual(range(4, 53));
    expect(answer.messages[busy.id]!.hasMore).toBe(true);
    expect(Object.keys(answer.messages).sort()).toEqual([group.id, dm.id, busy.id].sort());
    const allIds = Object.values(answer.messages).flatMap((p) => p.messages.map((m) => m.id));
    expect(new Set(allIds).size).toBe(allIds.length);

    const changed = new Map(answer.conversations.map((c) => [c.id, c]));
    expect([...changed.keys()].sort()).toEqual([group.id, dm.id, busy.id, readOnly.id, added.id].sort());
    expect(changed.get(group.id)!.readSeqs[bob.user.id]).toBe(4);
    expect(changed.get(readOnly.id)!.readSeqs[dave.user.id]).toBe(2);
    expect(changed.get(busy.id)!.lastSeq).toBe(63);
    expect(answer.removed).toEqual([]);
    // Each changed conversation is exactly what a fresh fetch gives (Zulip's verify_action).
    for (const c of answer.conversations) expect((await me.api.get(`/api/conversations/${c.id}`)).body).toEqual(c);

    // The rest of the long one comes with the existing GET …/messages?after=; then nothing is new.
    const rest = await me.api.get(`/api/conversations/${busy.id}/messages?after=53&limit=200`);
    expect(seqsOf(rest.body)).toEqual(range(54, 63));
    const quiet = await client.sync({ [group.id]: 5, [dm.id]: 3, [busy.id]: 63 });
    expect(quiet.conversations).toEqual([]);
    expect(quiet.messages).toEqual({});
    expect(quiet.removed).toEqual([]);
  });

  it('still catches up with a cursor issued before the server restarted (same database)', async () => {
    const first = await startTestServer();
    let server = first;
    cleanup.push(() => server.stop());
    const { people: [me, alice] } = await createTeam(first.url, 2);
    const dm = await createConversation(alice!, 'dm', [me!]);
    const aliceS = await socketOf(alice!, first);
    await send(aliceS, dm.id, 2);
    const client = new SyncClient(me!.api);
    await client.sync({ [dm.id]: 2 });
    await first.stop();

    server = await startTestServer({ dbUri: first.dbUri });
    const again = new SyncClient(new Api(server.url, me!.token));
    again.cursor = client.cursor;
    const nothing = await again.sync({ [dm.id]: 2 });
    expect(nothing.conversations).toEqual([]);
    expect(nothing.messages).toEqual({});

    const aliceAgain = await socketOf(alice!, server);
    await send(aliceAgain, dm.id, 2);
    again.cursor = client.cursor; // the cursor from before the restart
    const answer = await again.sync({ [dm.id]: 2 });
    expect(seqsOf(answer.messages[dm.id])).toEqual([3, 4]);
    expect(answer.conversations.map((c) => c.id)).toEqual([dm.id]);
    expect(answer.conversations[0]!.unreadCount).toBe(4);
  });
});

describe('the directory is fetched again only when it changed', () => {
  it('answers 304 to If-None-Match with the current version, and 200 after a change', async () => {
    const me = await person();
    const res = await me.api.get('/api/directory');
    expect(res.status).toBe(200);
    const listing = directoryListingSchema.parse(res.body);
    expect(res.headers.get('etag')).toBe(`"dir-${listing.version}"`);
    expect(listing.users.some((u) => u.id === me.user.id)).toBe(true);
    expect(listing.users.every((u) => !('presence' in u))).toBe(true);
    expect((await new SyncClient(me.api).sync()).directoryVersion).toBe(listing.version);

    const etag = res.headers.get('etag')!;
    const same = await me.api.request('GET', '/api/directory', undefined, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect((await me.api.request('GET', '/api/departments', undefined, { 'if-none-match': etag })).status).toBe(304);

    const newcomer = await person();
    const changed = await me.api.request('GET', '/api/directory', undefined, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    const next = directoryListingSchema.parse(changed.body);
    expect(next.version).not.toBe(listing.version);
    expect(next.users.some((u) => u.id === newcomer.user.id)).toBe(true);
    expect((await new SyncClient(me.api).sync()).directoryVersion).toBe(next.version);
    // GET /api/users keeps answering as PROTOCOL.md says, presence included.
    const users = await me.api.get('/api/users');
    expect(users.body.find((u: { id: string }) => u.id === newcomer.user.id).presence.state).toBe('offline');
  });
});

describe('what sync refuses and never shows', () => {
  it('answers bad_request to a bad cursor or body, and neither it nor a good sync writes anything', async () => {
    const [me, other] = [await person(), await person()];
    const dm = await createConversation(me, 'dm', [other]);
    const client = new SyncClient(me.api);
    await client.sync({ [dm.id]: 0 });
    const otherCursor = (await new SyncClient(other.api).sync()).cursor;
    const bad: unknown[] = [
      { cursor: 'not-a-cursor' },
      { cursor: client.cursor!.slice(0, -3) },
      { cursor: otherCursor },
      { cursor: 'a'.repeat(40_000) },
      { seqs: { 'not-an-id': 1 } },
      { seqs: { [dm.id]: -1 } },
      { seqs: { [dm.id]: 1.5 } },
      { seqs: [1, 2] },
      { cursor: client.cursor, extra: true },
      'cursor',
    ];
    const commands = await commandsDuring(t, async () => {
      for (const body of bad) {
        const res = await me.api.post('/api/sync', body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
      }
      await client.sync({ [dm.id]: 0 });
    });
    expect(commands.filter((c) => WRITES.has(c.commandName))).toEqual([]);
  });

  it('never shows a non-member another conversation, whatever seqs it names', async () => {
    const [alice, bob, eve] = [await person(), await person(), await person()];
    const secret = await createConversation(alice, 'dm', [bob]);
    await send(await socketOf(alice), secret.id, 3);
    const client = new SyncClient(eve.api);
    for (let i = 0; i < 2; i++) {
      const answer = await client.sync({ [secret.id]: 0 });
      expect(answer.messages).toEqual({});
      expect(answer.conversations).toEqual([]);
      expect(answer.removed).toEqual([secret.id]);
      expect(JSON.stringify(answer)).not.toContain('本文');
    }
  });
});

describe('cost', () => {
  it('sends the same number of database commands for 2 changed conversations as for 12', async () => {
    async function countFor(conversations: number): Promise<{ commands: number; answer: SyncAnswer }> {
      const me = await person();
      const others = await Promise.all(Array.from({ length: conversations }, () => person()));
      const dms = await Promise.all(others.map((o) => createConversation(o, 'dm', [me])));
      const client = new SyncClient(me.api);
      const held = Object.fromEntries(dms.map((d) => [d.id, 0]));
      await client.sync(held);
      for (const [i, o] of others.entries()) {
        const s = await socketOf(o);
        await send(s, dms[i]!.id, 2);
        s.close();
      }
      let answer!: SyncAnswer;
      const commands = await commandsDuring(t, async () => {
        answer = await client.sync(held);
      });
      // Reads of the collections sync reads (sessions belong to sign-in; a write may be some other
      // capability's deferred work, such as conversation activity).
      const relevant = commands.filter((c) => {
        if (WRITES.has(c.commandName)) return false;
        const collection = (c.command as Record<string, unknown>)[c.commandName];
        return ['conversations', 'readmarks', 'messages', 'users', 'directorymeta'].includes(String(collection));
      });
      return { commands: relevant.length, answer };
    }
    const small = await countFor(2);
    const large = await countFor(12);
    expect(Object.keys(small.answer.messages)).toHaveLength(2);
    expect(Object.keys(large.answer.messages)).toHaveLength(12);
    expect(large.answer.conversations).toHaveLength(12);
    expect(large.commands).toBe(small.commands);
    // As designed (server/sync/README.md): the session's user, the directory version, the list
    // and its read marks, one ranged read of messages, then the changed conversations' views (the
    // conversations, read marks, latest messages, member names and unread counts).
    expect(small.commands).toBeLessThanOrEqual(10);
  });
});
