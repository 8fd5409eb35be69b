// TCP server: splits the byte stream into wire messages, runs each command, writes the reply.
// Commands are synchronous over in-memory data, so each message is answered before the next
// is read and no locking is needed.
import net from 'node:net';
import { runCommand } from './commands';
import { Cursors } from './cursors';
import { Store } from './store';
import { decodeMessage, encodeOpMsg, encodeOpReply, MSG_MORE_TO_COME } from './wire';
import type { Doc } from './values';

const MAX_MESSAGE_BYTES = 48_000_000 + 16 * 1024;

export interface StandinServer {
  readonly store: Store;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createServer(log: (line: string) => void = () => {}): StandinServer {
  const store = new Store();
  const cursors = new Cursors();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  let nextRequestId = 1;
  let port = 0;

  const server = net.createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);

    socket.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_BYTES) {
          log(`[standin] connection ${connectionId}: bad message length ${length}, closing`);
          socket.destroy();
          return;
        }
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        try {
          const reply = handle(message, connectionId);
          if (reply) socket.write(reply);
        } catch (err) {
          log(`[standin] connection ${connectionId}: ${(err as Error).message}, closing`);
          socket.destroy();
          return;
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(message: Buffer, connectionId: number): Buffer | undefined {
    const request = decodeMessage(message);
    const requestId = nextRequestId++;
    const dbName =
      request.kind === 'msg' ? String(request.command.$db ?? 'test') : request.collection.split('.')[0] || 'admin';
    const reply: Doc = runCommand(request.command, { store, cursors, dbName, connectionId, port });
    if (request.kind === 'query') return encodeOpReply(requestId, request.header.requestId, reply);
    // moreToCome from the client means an unacknowledged write (w: 0): no reply expected.
    if (request.flags & MSG_MORE_TO_COME) return undefined;
    return encodeOpMsg(requestId, request.header.requestId, reply);
  }

  return {
    store,
    listen(wanted, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, host, () => {
          server.off('error', reject);
          port = (server.address() as net.AddressInfo).port;
          resolve(port);
        });
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
