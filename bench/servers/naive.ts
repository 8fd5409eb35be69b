/**
 * Server N: the naive design. Per message: mongoose `Model.create` with
 * `seq = countDocuments({conversationId}) + 1`, then emit, then ack. No unique index, so two
 * concurrent sends into one conversation can take the same seq (the suite counts those).
 * Token auth and membership from memory, as in B, so the difference is the send path.
 * Env: BENCH_DB_URI, BENCH_PORT.
 */
import mongoose, { Schema } from 'mongoose';
import { Server } from 'socket.io';
import { attachProbe } from './probe.js';
import { authMiddleware, httpServer, loadSeeded, openDb, refuseUnknown, toDto, userRoom } from './shared.js';

const uri = process.env.BENCH_DB_URI!;
const { client, db } = await openDb(uri);
const seeded = await loadSeeded(db);
await client.close();
const conn = await mongoose.createConnection(uri, { autoIndex: false }).asPromise();
const Message = conn.model(
  'Message',
  new Schema(
    {
      conversationId: { type: Schema.Types.ObjectId, required: true },
      seq: { type: Number, required: true },
      senderId: { type: Schema.Types.ObjectId, required: true },
      body: { type: String, required: true },
      clientMsgId: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { collection: 'messages' },
  ),
);

const http = httpServer(seeded, async (conversationId, after, limit) => {
  const docs = await Message.find({ conversationId, seq: { $gt: after } }).sort({ seq: 1 }).limit(limit).lean();
  return docs.map((d) => toDto(d as never));
});
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 100_000 });
io.use(authMiddleware(seeded));
io.on('connection', (socket) => {
  const userId = socket.data.userId as string;
  void socket.join(userRoom(userId));
  refuseUnknown(socket, ['message:send']);
  socket.on('message:send', async (input: { conversationId?: string; clientMsgId?: string; body?: string }, ack?: (r: unknown) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const members = seeded.membersByConversation.get(String(input?.conversationId));
    if (!members?.includes(userId) || typeof input.body !== 'string' || typeof input.clientMsgId !== 'string') {
      return reply({ ok: false, error: { code: 'bad_request', message: 'bad message' } });
    }
    try {
      const seq = (await Message.countDocuments({ conversationId: input.conversationId })) + 1;
      const doc = await Message.create({ conversationId: input.conversationId, seq, senderId: userId, body: input.body, clientMsgId: input.clientMsgId, createdAt: new Date() });
      const message = toDto(doc.toObject() as never);
      io.to(members.map(userRoom)).emit('message:new', { message });
      reply({ ok: true, message });
    } catch {
      reply({ ok: false, error: { code: 'internal', message: 'send failed' } });
    }
  });
});
// The same listen backlog as A's default (LISTEN_BACKLOG): a reconnect storm is not cut by Node's 511.
http.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1', backlog: 4096 }, () => {
  attachProbe((http.address() as { port: number }).port);
});
process.on('SIGTERM', () => {
  io.close();
  void conn.close().finally(() => process.exit(0));
});
