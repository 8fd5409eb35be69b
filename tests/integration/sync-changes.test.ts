import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageSchema, type Message } from '../../shared/schemas/conversations.js';
import { syncAnswerSchema, type SyncAnswer } from '../../shared/schemas/sync.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { countCommands } from '../support/seed.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The change cursor (server/sync/README.md, "Changed messages"): a client that was offline while
 * messages it holds were edited, taken back, reacted to, pinned or confirmed gets each of them as it
 * is now in its one catch-up request, without reloading the history — and nothing twice.
 * Zulip's verify_action: snapshot, act, apply what the client got, compare with a fresh fetch.
 */

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let aliceS: ClientSocket;
let carolS: ClientSocket;

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 3);
  [alice, bob, carol] = team.people as [SignedIn, SignedIn, SignedIn];
  [aliceS, carolS] = await Promise.all([t.connect(alice), t.connect(carol)]);
});
afterAll(() => t.stop());

let n = 0;
async function send(socket: ClientSocket, conversationId: string, body: string, extra: Record<string, unknown> = {}): Promise<Message> {
  n += 1;
  const ack = await emitAck(socket, 'message:send', { conversationId, clientMsgId: `sync-changes-${n}`, body, ...extra });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return messageSchema.parse(ack.message);
}

async function act(socket: ClientSocket, event: string, payload: Record<string, unknown>): Promise<void> {
  const ack = await emitAck(socket, event, payload);
  expect(ack.ok, `${event}: ${JSON.stringify(ack)}`).toBe(true);
}

/** A client of /api/sync holding histories, as the web client does. */
class Client {
  cursor: string | undefined;
  threads = new Map<string, Message[]>();

  constructor(private readonly who: SignedIn) {}

  async load(conversationId: string, query = ''): Promise<void> {
    const res = await this.who.api.get(`/api/conversations/${conversationId}/messages${query}`);
    this.threads.set(conversationId, res.body.messages);
  }

  async sync(): Promise<SyncAnswer> {
    const seqs: Record<string, number> = {};
    const froms: Record<string, number> = {};
    for (const [id, list] of this.threads) {
      seqs[id] = list.at(-1)?.seq ?? 0;
      froms[id] = list[0]?.seq ?? 0;
    }
    const res = await this.who.api.post('/api/sync', { ...(this.cursor ? { cursor: this.cursor } : {}), seqs, froms });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const answer = syncAnswerSchema.parse(res.body);
    this.cursor = answer.cursor;
    this.apply(answer);
    return answer;
  }

  /** What the web client does: changed copies replace held ones (higher changeSeq wins), new ones join. */
  private apply(answer: SyncAnswer): void {
    for (const [id, list] of this.threads) {
      const byId = new Map(list.map((m) => [m.id, m]));
      for (const m of answer.changes[id] ?? []) {
        const held = byId.get(m.id);
        if (held && (m.changeSeq ?? 0) >= (held.changeSeq ?? 0)) byId.set(m.id, m);
      }
      for (const m of answer.messages[id]?.messages ?? []) byId.set(m.id, m);
      this.threads.set(id, [...byId.values()].sort((a, b) => a.seq - b.seq));
    }
  }
}

describe('catching up on changed messages after a reconnect', () => {
  it('edits, take-backs, reactions, pins, confirmations and quotes made while away arrive in one sync, as a fresh fetch shows them', async () => {
    const group = await createConversation(alice, 'group', [bob, carol], '係会議');
    const m = [
      await send(aliceS, group.id, '一つ目'),
      await send(aliceS, group.id, '二つ目（取り消す）'),
      await send(aliceS, group.id, '三つ目'),
      await send(aliceS, group.id, '四つ目'),
      await send(aliceS, group.id, '五つ目：確認してください', { ackRequested: true }),
    ];
    const quoting = await send(carolS, group.id, '二つ目への返信', { replyToId: m[1]!.id });
    const bobS = await t.connect(bob);
    const client = new Client(bob);
    await client.load(group.id);
    await client.sync();
    bobS.close(); // away

    await act(aliceS, 'message:edit', { messageId: m[0]!.id, body: '一つ目（訂正）' });
    await act(aliceS, 'message:delete', { messageId: m[1]!.id });
    await act(carolS, 'message:react', { messageId: m[2]!.id, reaction: 'stamp:ryokai', on: true });
    await act(carolS, 'message:pin', { messageId: m[3]!.id, on: true });
    await act(carolS, 'message:ack', { messageId: m[4]!.id });
    const newer = await send(aliceS, group.id, '六つ目（不在中の新着）');

    const back = await t.connect(bob); // reconnect, then catch up as the web client does
    const answer = await client.sync();
    back.close();
    expect(answer.changes[group.id]!.map((x) => x.id)).toEqual([m[0]!.id, m[1]!.id, m[2]!.id, m[3]!.id, m[4]!.id, quoting.id]);
    expect(answer.messages[group.id]!.messages.map((x) => x.id)).toEqual([newer.id]);
    const fresh = (await bob.api.get(`/api/conversations/${group.id}/messages`)).body.messages;
    expect(client.threads.get(group.id)).toEqual(fresh);
    const byId = new Map(fresh.map((x: Message) => [x.id, x]));
    expect(byId.get(m[1]!.id)).toMatchObject({ body: '' });
    expect(byId.get(quoting.id)).toMatchObject({ replyTo: { body: '' } });
    expect(JSON.stringify(answer)).not.toContain('二つ目（取り消す）');

    // Nothing twice: the next sync has no changes.
    const quiet = await client.sync();
    expect(quiet.changes).toEqual({});
    expect(quiet.conversations).toEqual([]);
  });

  it('a conversation only listed (no history held) gets no changed messages, but comes again with its last message as it is now', async () => {
    const dm = await createConversation(alice, 'dm', [bob]);
    const last = await send(aliceS, dm.id, '誤送信しました');
    const client = new Client(bob);
    await client.sync();
    await act(aliceS, 'message:delete', { messageId: last.id });
    const answer = await client.sync();
    expect(answer.changes).toEqual({});
    const view = answer.conversations.find((c) => c.id === dm.id)!;
    expect(view.lastMessage).toMatchObject({ id: last.id, body: '' });
    expect(view.lastMessage!.deletedAt).toBeDefined();
    expect(JSON.stringify(answer)).not.toContain('誤送信');
  });

  it('changes to messages older than the held range are not sent (they come with the older page when it is loaded)', async () => {
    const group = await createConversation(alice, 'group', [bob], '長い履歴');
    const old = await send(aliceS, group.id, '古いメッセージ');
    for (let i = 0; i < 5; i++) await send(aliceS, group.id, `新しい ${i}`);
    const client = new Client(bob);
    await client.load(group.id, '?limit=3');
    await client.sync();
    await act(aliceS, 'message:edit', { messageId: old.id, body: '古いメッセージ（訂正）' });
    const held = client.threads.get(group.id)!.at(-1)!;
    await act(aliceS, 'message:react', { messageId: held.id, reaction: '👍', on: true });
    const answer = await client.sync();
    expect(answer.changes[group.id]!.map((x) => x.id)).toEqual([held.id]);
  });

  it('a sync costs the same database commands with changes in 2 conversations as in 8', async () => {
    async function commandsFor(count: number): Promise<string[]> {
      const groups = [];
      for (let i = 0; i < count; i++) groups.push(await createConversation(alice, 'group', [bob], `費用 ${count}-${i}`));
      const sent = [];
      for (const g of groups) sent.push(await send(aliceS, g.id, '費用の確認'));
      const client = new Client(bob);
      for (const g of groups) await client.load(g.id);
      await client.sync();
      for (const s of sent) await act(aliceS, 'message:react', { messageId: s.id, reaction: '👍', on: true });
      await bob.api.get('/api/me'); // the session check comes from the cache from here on
      const { result, commands } = await countCommands(t, () => client.sync());
      expect(Object.keys(result.changes)).toHaveLength(count);
      return commands.filter((c) => !/^(insert|update|delete|findAndModify) /.test(c)).sort();
    }
    const small = await commandsFor(2);
    const large = await commandsFor(8);
    expect(large).toEqual(small);
    expect(small.filter((c) => c.endsWith(' messagechanges'))).toEqual(['find messagechanges']);
  });
});
