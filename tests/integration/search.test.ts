import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageSchema, type Message } from '../../shared/schemas/conversations.js';
import { searchAnswerSchema, type SearchAnswer } from '../../shared/schemas/search.js';
import { CommandLog } from '../support/command-log.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { pdf, uploaded, xlsx } from '../support/file-fixtures.js';
import { emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Message search (server/search/README.md): a person finds the messages of the conversations they
 * belong to — and only those — by a phrase in the text or in a file's name, however it was spelled.
 */

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;
let outsider: SignedIn;
let aliceS: ClientSocket;
let bobS: ClientSocket;
let team: { id: string };
let pair: { id: string };
let secret: { id: string };

let sent = 0;
async function send(socket: ClientSocket, conversationId: string, body: string, fileIds?: string[]): Promise<Message> {
  const ack = await emitAck(socket, 'message:send', { conversationId, body, clientMsgId: `search-${++sent}`, ...(fileIds ? { fileIds } : {}) });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return messageSchema.parse(ack.message);
}

async function search(who: SignedIn, params: Record<string, string>): Promise<SearchAnswer> {
  const res = await who.api.get(`/api/search?${new URLSearchParams(params)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return searchAnswerSchema.parse(res.body);
}
const ids = (answer: SearchAnswer) => answer.results.map((r) => r.message.id);
const highlighted = (answer: SearchAnswer) => answer.results.map((r) => r.highlights.map(([a, b]) => r.snippet.slice(a, b)));

let agenda: Message;
let minutes: Message;
let kana: Message;
let latin: Message;
let hidden: Message;

beforeAll(async () => {
  t = await startTestServer();
  const people = (await createTeam(t.url, 4)).people;
  [alice, bob, carol, outsider] = people as [SignedIn, SignedIn, SignedIn, SignedIn];
  team = await createConversation(alice, 'group', [bob, carol], '企画課');
  pair = await createConversation(alice, 'dm', [bob]);
  secret = await createConversation(outsider, 'group', [carol], '人事');
  [aliceS, bobS] = await Promise.all([t.connect(alice), t.connect(bob)]);
  const carolS = await t.connect(carol);
  agenda = await send(aliceS, team.id, '来週の会議資料を共有します。ご確認ください');
  kana = await send(bobS, team.id, 'あしたの かいぎ は10時から');
  latin = await send(aliceS, pair.id, 'ABC社の見積もりが届きました');
  minutes = await send(bobS, pair.id, '会議資料の修正版は金曜までに');
  hidden = await send(carolS, secret.id, '人事の会議資料（非公開）');
});
afterAll(() => t.stop());

describe('finding a message', () => {
  it('「会議資料」 finds every message with the phrase in my conversations, newest first, the phrase highlighted', async () => {
    const answer = await search(alice, { q: '会議資料' });
    expect(ids(answer)).toEqual([minutes.id, agenda.id]);
    expect(answer.results.map((r) => r.conversationId)).toEqual([pair.id, team.id]);
    expect(highlighted(answer)).toEqual([['会議資料'], ['会議資料']]);
    expect(answer.results[1]!.message).toEqual(agenda);
  });

  it('「カイギ」 finds 「かいぎ」 and 「ＡＢＣ」 finds 「ABC」, highlighted as written', async () => {
    const byKatakana = await search(bob, { q: 'カイギ' });
    expect(ids(byKatakana)).toEqual([kana.id]);
    expect(highlighted(byKatakana)).toEqual([['かいぎ']]);
    const byWide = await search(alice, { q: 'ＡＢＣ' });
    expect(ids(byWide)).toEqual([latin.id]);
    expect(highlighted(byWide)).toEqual([['ABC']]);
    expect(ids(await search(alice, { q: 'abc' }))).toEqual([latin.id]);
  });

  it('a query of one character finds messages with it anywhere', async () => {
    expect(ids(await search(alice, { q: '届' }))).toEqual([latin.id]);
    expect(ids(await search(alice, { q: '料' }))).toEqual([minutes.id, agenda.id]);
  });

  it('the same characters apart are not the phrase: 「会議 資料」 finds nothing here', async () => {
    expect((await search(alice, { q: '資料会議' })).results).toEqual([]);
  });
});

describe('only what the person may read', () => {
  it('a non-member never finds a conversation’s messages, and cannot search inside it', async () => {
    expect(ids(await search(outsider, { q: '会議資料' }))).toEqual([hidden.id]);
    expect(ids(await search(alice, { q: '会議資料' }))).not.toContain(hidden.id);
    const inside = await outsider.api.get(`/api/search?q=${encodeURIComponent('会議資料')}&conversationId=${team.id}`);
    expect(inside.status).toBe(403);
    expect(inside.body.error.code).toBe('forbidden');
  });

  it('someone with no conversations finds nothing; without a session the answer is 401', async () => {
    const [lonely] = (await createTeam(t.url, 1)).people as [SignedIn];
    expect((await search(lonely, { q: '会議' })).results).toEqual([]);
    expect((await t.api.get('/api/search?q=x')).status).toBe(401);
  });
});

describe('filters', () => {
  it('within one conversation', async () => {
    expect(ids(await search(alice, { q: '会議資料', conversationId: team.id }))).toEqual([agenda.id]);
  });

  it('by sender', async () => {
    expect(ids(await search(alice, { q: '会議資料', senderId: bob.user.id }))).toEqual([minutes.id]);
  });

  it('by date range (Tokyo days; `to` includes its whole day)', async () => {
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    expect(ids(await search(alice, { q: '会議資料', from: today, to: today }))).toEqual([minutes.id, agenda.id]);
    expect((await search(alice, { q: '会議資料', from: day(1) })).results).toEqual([]);
    expect((await search(alice, { q: '会議資料', to: day(-1) })).results).toEqual([]);
    expect(ids(await search(alice, { q: '会議資料', from: agenda.createdAt, to: agenda.createdAt }))).toEqual([agenda.id]);
  });

  it('paged with `before`, newest first, nothing twice and nothing missed', async () => {
    const notes: Message[] = [];
    for (let i = 0; i < 5; i++) notes.push(await send(aliceS, team.id, `議事録 その${i + 1}`));
    const first = await search(alice, { q: '議事録', limit: '2' });
    const second = await search(alice, { q: '議事録', limit: '2', before: first.nextBefore! });
    const third = await search(alice, { q: '議事録', limit: '2', before: second.nextBefore! });
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(notes.map((m) => m.id).reverse());
    expect(third.nextBefore).toBeUndefined();
  });
});

describe('files', () => {
  it('a file’s name is found (the result says which file), and 「ファイル付きのみ」 keeps messages with files', async () => {
    const budget = await uploaded(t.url, alice, team.id, '令和7年度 予算案（修正版）.xlsx', xlsx());
    const withFile = await send(aliceS, team.id, '差し替えました', [budget.id]);
    const byName = await search(bob, { q: '予算案（修正版）' });
    expect(ids(byName)).toEqual([withFile.id]);
    expect(byName.results[0]).toMatchObject({ fileId: budget.id, snippet: '令和7年度 予算案（修正版）.xlsx' });
    expect(highlighted(byName)).toEqual([['予算案（修正版）']]);
    expect(byName.results[0]!.message.files).toEqual([budget]);

    const onlyText = await send(aliceS, team.id, '予算案は別途');
    expect(ids(await search(bob, { q: '予算案' }))).toEqual([onlyText.id, withFile.id]);
    expect(ids(await search(bob, { q: '予算案', hasFile: 'true' }))).toEqual([withFile.id]);
    expect(ids(await search(bob, { q: '予算案', hasFile: 'false' }))).toEqual([onlyText.id]);
  });

  it('a file sent without text is found by its name', async () => {
    const report = await uploaded(t.url, bob, pair.id, 'Report_2026.pdf', pdf());
    const message = await send(bobS, pair.id, '', [report.id]);
    expect(ids(await search(alice, { q: 'report_2026' }))).toEqual([message.id]);
  });
});

describe('edits and take-back', () => {
  it('an edited message is found by its current text, not its earlier one', async () => {
    const m = await send(aliceS, team.id, '打合せは3階の小会議室で');
    const ack = await emitAck(aliceS, 'message:edit', { messageId: m.id, body: '打合せは5階の大会議室で' });
    expect(ack.ok).toBe(true);
    expect(ids(await search(bob, { q: '大会議室' }))).toEqual([m.id]);
    expect((await search(bob, { q: '小会議室' })).results).toEqual([]);
  });

  it('an edit keeps the file names findable', async () => {
    const file = await uploaded(t.url, alice, team.id, '議題一覧.pdf', pdf());
    const m = await send(aliceS, team.id, '議題です', [file.id]);
    expect((await emitAck(aliceS, 'message:edit', { messageId: m.id, body: '議題を更新しました' })).ok).toBe(true);
    expect(ids(await search(bob, { q: '議題一覧' }))).toEqual([m.id]);
    expect(ids(await search(bob, { q: '更新しました' }))).toEqual([m.id]);
  });

  it('a taken-back message never appears, neither by its text nor by its files', async () => {
    const file = await uploaded(t.url, alice, team.id, '取消予定の資料.pdf', pdf());
    const m = await send(aliceS, team.id, '誤送信のお知らせ', [file.id]);
    expect(ids(await search(bob, { q: '誤送信' }))).toEqual([m.id]);
    expect((await emitAck(aliceS, 'message:delete', { messageId: m.id })).ok).toBe(true);
    expect((await search(bob, { q: '誤送信' })).results).toEqual([]);
    expect((await search(bob, { q: '取消予定' })).results).toEqual([]);
    expect((await search(alice, { q: '誤送信' })).results).toEqual([]);
  });
});

describe('bad input changes nothing and says what is wrong', () => {
  const cases: [string, string][] = [
    ['no query', ''],
    ['an empty query', 'q='],
    ['a query of spaces', 'q=%20%20'],
    ['a query over the limit', `q=${'あ'.repeat(101)}`],
    ['a conversation id that is not an id', 'q=a&conversationId=xyz'],
    ['a date that is not a date', 'q=a&from=2026-13-45'],
    ['a range that ends before it starts', 'q=a&from=2026-12-05&to=2026-12-01'],
    ['a limit out of range', 'q=a&limit=1000'],
    ['an unknown parameter', 'q=a&sort=asc'],
    ['a query given twice', 'q=a&q=b'],
  ];
  it.each(cases)('%s → 400 bad_request', async (_name, query) => {
    const res = await alice.api.get(`/api/search?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});

describe('cost', () => {
  it('a search across all my conversations is two database commands: my conversations, then one find of messages', async () => {
    const log = new CommandLog(t.server.services.conn.getClient(), ['messages', 'conversations', 'readmarks', 'users']);
    const commands = await log.during(() => search(alice, { q: '会議資料' }));
    expect(commands).toEqual(['find conversations', 'find messages']);
  });

  it('the database answers it through the n-gram index, in _id order (explain)', async () => {
    const messages = t.server.services.conn.db!.collection('messages');
    const explain = await messages
      .find({ conversationId: new Types.ObjectId(team.id), searchGrams: { $all: ['会議', '資料'] }, searchText: { $regex: '会議資料' } })
      .sort({ _id: -1 })
      .limit(21)
      .explain('queryPlanner');
    const plan = JSON.stringify(explain.queryPlanner.winningPlan);
    expect(plan).toContain('"indexName":"conversationId_1_searchGrams_1__id_-1"');
    expect(plan).not.toContain('"stage":"SORT"');
    expect(plan).not.toContain('COLLSCAN');
  });
});

describe('messages stored before search existed', () => {
  it('become searchable by the backfill, which leaves edited and taken-back ones alone', async () => {
    const messages = t.server.services.conn.db!.collection('messages');
    const old = (body: string, extra: Record<string, unknown> = {}) => ({
      _id: new Types.ObjectId(),
      conversationId: new Types.ObjectId(team.id),
      seq: 10_000 + ++sent,
      senderId: new Types.ObjectId(alice.user.id),
      body,
      clientMsgId: `old-${sent}`,
      mentions: [],
      createdAt: new Date(),
      ...extra,
    });
    const plain = old('旧システムからの引継ぎ事項');
    const takenBack = old('', { deletedAt: new Date(), takenBackBody: '旧システムの取消済み' });
    await messages.insertMany([plain, takenBack]);
    expect((await search(bob, { q: '引継ぎ事項' })).results).toEqual([]);

    await t.server.services.conn.db!.collection('searchbackfill').deleteMany({});
    await t.server.services.messaging.searchBackfill.run();
    expect(ids(await search(bob, { q: '引継ぎ事項' }))).toEqual([plain._id.toHexString()]);
    expect((await search(bob, { q: '取消済み' })).results).toEqual([]);
    expect(await messages.findOne({ _id: takenBack._id, searchText: { $exists: true } })).toBeNull();
    expect(await t.server.services.conn.db!.collection('searchbackfill').findOne({ _id: 'messages' as never })).toMatchObject({ doneAt: expect.any(Date) });
  });
});

describe('too many searches', () => {
  it('are refused with rate_limited, and the next window searches again', async () => {
    const limited = await startTestServer({ config: { SEARCH_RATE_LIMIT: 2, SEARCH_RATE_WINDOW_S: 1 } });
    try {
      const [me] = (await createTeam(limited.url, 1)).people as [SignedIn];
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await me.api.get('/api/search?q=a')).status);
      expect(statuses).toEqual([200, 200, 429]);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await me.api.get('/api/search?q=a')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
