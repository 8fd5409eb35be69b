/**
 * What B and N share: the seeded sign-ins and memberships, read once at start into memory
 * (sessions hold sha256(token), as the product stores them), and a plain HTTP catch-up route
 * `GET /messages?conversationId=&after=` so the reconnect storm can run against them too.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import type { Socket } from 'socket.io';

export interface Seeded {
  userByTokenHash: Map<string, string>;
  membersByConversation: Map<string, string[]>;
}

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export async function loadSeeded(db: Db): Promise<Seeded> {
  const [sessions, conversations] = await Promise.all([
    db.collection('sessions').find({}, { projection: { tokenHash: 1, userId: 1 } }).toArray(),
    db.collection('conversations').find({}, { projection: { memberIds: 1 } }).toArray(),
  ]);
  return {
    userByTokenHash: new Map(sessions.map((s) => [s.tokenHash as string, String(s.userId)])),
    membersByConversation: new Map(conversations.map((c) => [String(c._id), (c.memberIds as ObjectId[]).map(String)])),
  };
}

export async function openDb(uri: string): Promise<{ client: MongoClient; db: Db }> {
  const client = await new MongoClient(uri, { maxPoolSize: 20 }).connect();
  return { client, db: client.db() };
}

/** B and N answer only the events they name; anything else with an ack gets an error ack, as the contract asks. */
export function refuseUnknown(socket: Socket, known: string[]): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (!known.includes(event) && typeof ack === 'function') {
      (ack as (r: unknown) => void)({ ok: false, error: { code: 'bad_request', message: `unknown event ${event}` } });
    }
  });
}

export const userRoom = (id: string) => `user:${id}`;

export interface CatchUp {
  (conversationId: string, after: number, limit: number): Promise<unknown[]>;
}

/** HTTP: only the catch-up route, bearer-token auth from the same in-memory map. */
export function httpServer(seeded: Seeded, catchUp: CatchUp): HttpServer {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const userId = seeded.userByTokenHash.get(sha256(token));
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/messages') return send(404, { error: { code: 'not_found' } });
    if (!userId) return send(401, { error: { code: 'unauthenticated' } });
    const conversationId = url.searchParams.get('conversationId') ?? '';
    if (!seeded.membersByConversation.get(conversationId)?.includes(userId)) return send(403, { error: { code: 'forbidden' } });
    const limit = 200;
    catchUp(conversationId, Number(url.searchParams.get('after') ?? 0), limit + 1).then(
      (docs) => send(200, { messages: docs.slice(0, limit), hasMore: docs.length > limit }),
      () => send(500, { error: { code: 'internal' } }),
    );
  });
}

export function authMiddleware(seeded: Seeded) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const token = (socket.handshake.auth as { token?: string }).token ?? '';
    const userId = seeded.userByTokenHash.get(sha256(token));
    if (!userId) return next(new Error('unauthenticated'));
    socket.data.userId = userId;
    next();
  };
}

export function toDto(doc: { _id: ObjectId; conversationId: ObjectId; seq: number; senderId: ObjectId; body: string; clientMsgId: string; createdAt: Date }) {
  return {
    id: String(doc._id),
    conversationId: String(doc.conversationId),
    seq: doc.seq,
    senderId: String(doc.senderId),
    body: doc.body,
    clientMsgId: doc.clientMsgId,
    createdAt: doc.createdAt.toISOString(),
    mentions: [],
  };
}
