/**
 * Server B: a minimal Socket.IO server with the same send event. Token auth and membership from
 * memory (read once at start), `seq` from an in-memory counter, ONE insert per message with the
 * driver, then the ack and `message:new` to the members' rooms. No other database work on the
 * send path. `presence:watch` is answered from memory the cheapest way: each watched person
 * `in_office` while connected here, else `offline`, with the same acknowledgement A gives
 * (`{ok, presences: [{userId, presence}]}`); B pushes no presence changes. Env: BENCH_DB_URI,
 * BENCH_PORT.
 */
import { ObjectId } from 'mongodb';
import { Server } from 'socket.io';
import { attachProbe } from './probe.js';
import { authMiddleware, httpServer, loadSeeded, openDb, refuseUnknown, toDto, userRoom } from './shared.js';

const { client, db } = await openDb(process.env.BENCH_DB_URI!);
const seeded = await loadSeeded(db);
const messages = db.collection('messages');
const lastSeq = new Map<string, number>();
for (const row of await messages.aggregate([{ $group: { _id: '$conversationId', seq: { $max: '$seq' } } }]).toArray()) {
  lastSeq.set(String(row._id), row.seq as number);
}

const http = httpServer(seeded, (conversationId, after, limit) =>
  messages.find({ conversationId: new ObjectId(conversationId), seq: { $gt: after } }).sort({ seq: 1 }).limit(limit).toArray()
    .then((docs) => docs.map((d) => toDto(d as never))),
);
const people = new Set(seeded.userByTokenHash.values());
/** Per person: sockets connected here, and since when (ISO), or when last seen. */
const online = new Map<string, { sockets: number; at: string }>();
const lastSeen = new Map<string, string>();
const presenceOf = (id: string) => {
  const here = online.get(id);
  if (here) return { state: 'in_office', availability: 'available', lastActiveAt: here.at };
  const seen = lastSeen.get(id);
  return seen ? { state: 'offline', availability: 'available', lastSeenAt: seen } : { state: 'offline', availability: 'available' };
};

const io = new Server(http, { serveClient: false, maxHttpBufferSize: 100_000 });
io.use(authMiddleware(seeded));
io.on('connection', (socket) => {
  const userId = socket.data.userId as string;
  void socket.join(userRoom(userId));
  refuseUnknown(socket, ['message:send', 'presence:watch']);
  const here = online.get(userId);
  if (here) here.sockets += 1;
  else online.set(userId, { sockets: 1, at: new Date().toISOString() });
  socket.on('disconnect', () => {
    const mine = online.get(userId);
    if (mine && --mine.sockets === 0) {
      online.delete(userId);
      lastSeen.set(userId, new Date().toISOString());
    }
  });
  socket.on('presence:watch', (input: { userIds?: unknown }, ack?: (r: unknown) => void) => {
    if (typeof ack !== 'function') return;
    const ids = input?.userIds;
    if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => typeof id === 'string')) {
      return ack({ ok: false, error: { code: 'bad_request', message: 'userIds: at most 1,000 ids' } });
    }
    ack({ ok: true, presences: [...new Set(ids as string[])].filter((id) => people.has(id)).map((id) => ({ userId: id, presence: presenceOf(id) })) });
  });
  socket.on('message:send', async (input: { conversationId?: string; clientMsgId?: string; body?: string }, ack?: (r: unknown) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const members = seeded.membersByConversation.get(String(input?.conversationId));
    if (!members?.includes(userId) || typeof input.body !== 'string' || typeof input.clientMsgId !== 'string') {
      return reply({ ok: false, error: { code: 'bad_request', message: 'bad message' } });
    }
    const seq = (lastSeq.get(input.conversationId!) ?? 0) + 1;
    lastSeq.set(input.conversationId!, seq);
    const doc = { _id: new ObjectId(), conversationId: new ObjectId(input.conversationId), seq, senderId: new ObjectId(userId), body: input.body, clientMsgId: input.clientMsgId, createdAt: new Date() };
    try {
      await messages.insertOne(doc);
    } catch {
      return reply({ ok: false, error: { code: 'internal', message: 'insert failed' } });
    }
    const message = toDto(doc);
    reply({ ok: true, message });
    io.to(members.map(userRoom)).emit('message:new', { message });
  });
});
// The same listen backlog as A's default (LISTEN_BACKLOG): a reconnect storm is not cut by Node's 511.
http.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1', backlog: 4096 }, () => {
  attachProbe((http.address() as { port: number }).port);
});
process.on('SIGTERM', () => {
  io.close();
  void client.close().finally(() => process.exit(0));
});
