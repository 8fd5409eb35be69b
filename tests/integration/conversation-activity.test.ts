import { afterAll, describe, expect, it } from 'vitest';
import { Types, type Connection } from 'mongoose';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { CommandLog } from '../support/command-log.js';
import { createConversation, createTeam } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

// A conversation's activity time (the list order) is written after the sender's acknowledgement,
// gathered per conversation into one bulk update per window.
const running: { stop(): Promise<void> }[] = [];
const sockets: ClientSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const r of running.reverse()) await r.stop();
});

async function server(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const t = await startTestServer(config);
  running.push(t);
  return t;
}

/** The stored activity times, read straight from the database. */
async function storedActivity(conn: Connection, ids: string[]): Promise<Map<string, string>> {
  const docs = await conn
    .collection('conversations')
    .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
    .toArray();
  return new Map(docs.map((d) => [d._id.toString(), (d.lastActivityAt as Date).toISOString()]));
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('conversation activity after a send', () => {
  it('many sends across many conversations make one bulk update, after every acknowledgement, and a clean stop writes it', async () => {
    const t = await server({ config: { CONVERSATION_ACTIVITY_FLUSH_MS: 60_000 } });
    const log = new CommandLog(t.server.services.conn.getClient(), ['conversations']);
    const { people: [alice, bob] } = await createTeam(t.url, 2);
    const convs: { id: string }[] = [];
    for (let i = 0; i < 5; i++) convs.push(await createConversation(alice!, 'group', [bob!], `会話 ${i}`));
    const socket = await t.connect(alice!);
    const last = new Map<string, string>();
    const commands = await log.during(async () => {
      for (let round = 0; round < 3; round++) {
        const acks = await Promise.all(
          convs.map((c, i) => emitAck(socket, 'message:send', { conversationId: c.id, clientMsgId: `act-${round}-${i}-x`, body: `第${round}報` })),
        );
        for (const ack of acks) last.set(ack.message.conversationId, ack.message.createdAt);
      }
    });
    // Only the membership reads; no activity write yet, so none was on the senders' path.
    expect(commands.filter((c) => c !== 'find conversations')).toEqual([]);

    const from = log.commands.length;
    await t.stop();
    running.splice(running.indexOf(t), 1);
    const writes = log.commands.slice(from).filter((c) => c.name === 'update');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.command.updates).toHaveLength(5);

    const reader = await server({ dbUri: t.dbUri });
    expect(await storedActivity(reader.server.services.conn, convs.map((c) => c.id))).toEqual(last);
  });

  it('the conversation list follows sends, and the stored activity follows within a window', async () => {
    const t = await server();
    const { people: [alice, bob] } = await createTeam(t.url, 2);
    const older = await createConversation(alice!, 'group', [bob!], '古い');
    const newer = await createConversation(alice!, 'group', [bob!], '新しい');
    const order = async () => (await bob!.api.get('/api/conversations')).body.map((c: { id: string }) => c.id);
    expect(await order()).toEqual([newer.id, older.id]);

    const socket = await t.connect(alice!);
    const ack = await emitAck(socket, 'message:send', { conversationId: older.id, clientMsgId: 'act-order-01', body: '上へ' });
    expect(await order()).toEqual([older.id, newer.id]);
    await until(async () => (await storedActivity(t.server.services.conn, [older.id])).get(older.id) === ack.message.createdAt);

    const back = await emitAck(socket, 'message:send', { conversationId: newer.id, clientMsgId: 'act-order-02', body: 'また上へ' });
    expect(await order()).toEqual([newer.id, older.id]);
    await until(async () => (await storedActivity(t.server.services.conn, [newer.id])).get(newer.id) === back.message.createdAt);
  });

  it('a crash that loses the activity write does not misorder the list: it follows the last message', async () => {
    const t = await server();
    const { people: [alice, bob] } = await createTeam(t.url, 2);
    const older = await createConversation(alice!, 'group', [bob!], '古い');
    const newer = await createConversation(alice!, 'group', [bob!], '新しい');
    const child: ChildServer = await startChildServer(t.dbUri, { CONVERSATION_ACTIVITY_FLUSH_MS: 60_000 });
    running.push(child);
    const socket = await connectSocket(child.url, alice!.token);
    sockets.push(socket);
    const ack = await emitAck(socket, 'message:send', { conversationId: older.id, clientMsgId: 'act-crash-01', body: '直後に停止' });
    expect(ack.ok).toBe(true);
    await child.kill();
    running.splice(running.indexOf(child), 1);

    const stored = await storedActivity(t.server.services.conn, [older.id]);
    expect(stored.get(older.id)).not.toBe(ack.message.createdAt);
    const list = (await bob!.api.get('/api/conversations')).body;
    expect(list.map((c: { id: string }) => c.id)).toEqual([older.id, newer.id]);
    expect(list[0].lastMessage.id).toBe(ack.message.id);
  });
});
