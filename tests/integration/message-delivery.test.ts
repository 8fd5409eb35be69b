import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationNewEventSchema, conversationSchema, messageNewEventSchema, messageSchema } from '../../shared/schemas/conversations.js';
import { createConversation, createTeam, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, EventLog, settle } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let carol: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  ({ people: [alice, bob, carol] } = await createTeam(t.url, 3));
});
afterAll(() => t.stop());

const open = (who: SignedIn) => t.connect(who);

describe('delivering messages', () => {
  it('reaches all four connections of two members exactly once, and the ack carries the stored message', async () => {
    const conv = await createConversation(alice, 'dm', [bob]);
    const conns = [await open(alice), await open(alice), await open(bob), await open(bob)];
    const logs = conns.map((s) => new EventLog(s, 'message:new', messageNewEventSchema));
    const carolSocket = await open(carol);
    const outsider = new EventLog(carolSocket, 'message:new', messageNewEventSchema);

    const ack = await emitAck(conns[0]!, 'message:send', { conversationId: conv.id, clientMsgId: 'deliver-0001', body: '  おはようございます  ' });
    expect(ack.ok).toBe(true);
    const stored = messageSchema.parse(ack.message);
    expect(stored).toMatchObject({ conversationId: conv.id, seq: 1, senderId: alice.user.id, body: 'おはようございます', clientMsgId: 'deliver-0001' });

    for (const log of logs) await log.until((e) => e.length >= 1);
    for (const s of conns) await settle(s);
    for (const log of logs) expect(log.events).toEqual([{ message: stored }]);
    await settle(carolSocket);
    expect(outsider.events).toEqual([]);

    const history = await bob.api.get(`/api/conversations/${conv.id}/messages`);
    expect(history.body.messages).toEqual([stored]);
  });

  it('works over HTTP long-polling as well as WebSocket (proxies that block WebSocket)', async () => {
    const conv = await createConversation(alice, 'group', [bob], 'ポーリング');
    const polling = await connectSocket(t.url, alice.token, { transports: ['polling'] });
    const bobLog = new EventLog(await open(bob), 'message:new', messageNewEventSchema);
    const ack = await emitAck(polling, 'message:send', { conversationId: conv.id, clientMsgId: 'polling-0001', body: 'ポーリングで送信' });
    expect(ack.ok).toBe(true);
    const [event] = await bobLog.until((e) => e.length === 1);
    expect(event!.message).toEqual(ack.message);
    polling.close();
  });

  it('tells each added member about a new group at once', async () => {
    const bobSocket = await open(bob);
    const log = new EventLog(bobSocket, 'conversation:new', conversationNewEventSchema);
    const conv = await createConversation(alice, 'group', [bob, carol], '打合せ');
    const [event] = await log.until((e) => e.length >= 1);
    expect(event!.conversation).toMatchObject({ id: conv.id, kind: 'group', title: '打合せ', unreadCount: 0, lastSeq: 0 });
    expect(new Set(event!.conversation.memberIds)).toEqual(new Set([alice.user.id, bob.user.id, carol.user.id]));
  });

  it('returns the same dm when asked again for the same pair, from either side', async () => {
    const first = await alice.api.post('/api/conversations', { kind: 'dm', memberIds: [carol.user.id] });
    expect(first.status).toBe(201);
    conversationSchema.parse(first.body);
    const again = await alice.api.post('/api/conversations', { kind: 'dm', memberIds: [carol.user.id] });
    const reverse = await carol.api.post('/api/conversations', { kind: 'dm', memberIds: [alice.user.id] });
    expect(again.status).toBe(200);
    expect(reverse.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(reverse.body.id).toBe(first.body.id);
    expect(reverse.body.title).toBe(alice.user.name);
  });

  it('creates one dm when both people ask for it at the same moment', async () => {
    const { people: [x, y] } = await createTeam(t.url, 2);
    const [a, b] = await Promise.all([
      x!.api.post('/api/conversations', { kind: 'dm', memberIds: [y!.user.id] }),
      y!.api.post('/api/conversations', { kind: 'dm', memberIds: [x!.user.id] }),
    ]);
    expect(a.body.id).toBe(b.body.id);
    expect((await x!.api.get('/api/conversations')).body).toHaveLength(1);
  });

  it('lists conversations by latest activity with the last message', async () => {
    const { people: [x, y, z] } = await createTeam(t.url, 3);
    const older = await createConversation(x!, 'dm', [y!]);
    const newer = await createConversation(x!, 'dm', [z!]);
    const xs = await open(x!);
    await emitAck(xs, 'message:send', { conversationId: older.id, clientMsgId: 'activity-01', body: '最新' });
    const list = await x!.api.get('/api/conversations');
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([older.id, newer.id]);
    expect(list.body[0].lastMessage.body).toBe('最新');
    expect(list.body[0].lastSeq).toBe(1);
  });

  it('mentions members named with @loginId', async () => {
    const conv = await createConversation(alice, 'group', [bob, carol], 'メンション');
    const s = await open(alice);
    const ack = await emitAck(s, 'message:send', { conversationId: conv.id, clientMsgId: 'mention-001', body: `@${bob.user.loginId} 確認お願いします @nobody` });
    expect(ack.message.mentions).toEqual([bob.user.id]);
  });
});
