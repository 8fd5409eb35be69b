// TCP server: splits the byte stream into wire messages, runs each command, writes the reply.
// Commands are synchronous over in-memory data, so no locking is needed. They run from one queue,
// a few milliseconds at a time, so that the event loop keeps reading sockets in between: `hello`
// and `ping` (the drivers' server monitors and health checks) are answered the moment they arrive,
// as mongod answers them on their own threads however busy it is. Without that, a queue of slow
// queries longer than a driver's connectTimeoutMS made the driver's monitor give up and interrupt
// every operation in flight — an artefact of a single-threaded stand-in, not of the server under test.
import net from 'node:net';
import { runCommand } from './commands';
import { Cursors } from './cursors';
import { Store } from './store';
import { decodeMessage, encodeOpMsg, encodeOpReply, MSG_MORE_TO_COME, type Request as WireRequest } from './wire';
import type { Doc } from './values';

const MAX_MESSAGE_BYTES = 48_000_000 + 16 * 1024;
/** Commands answered at once, ahead of the queue (cheap, and what monitors time). */
const MONITOR_COMMANDS = new Set(['hello', 'ismaster', 'ping']);
/** How long one turn of the queue may run before the event loop reads sockets again. */
const SLICE_MS = 4;

interface Queued {
  socket: net.Socket;
  request: WireRequest;
  connectionId: number;
}

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

  const queue: Queued[] = [];
  let queueHead = 0;
  let draining = false;
  /** Connections with commands waiting (their own commands keep their order). */
  const waiting = new Map<net.Socket, number>();

  const server = net.createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    // Chunks are kept apart until a whole message is in (joining each chunk to the rest would copy
    // a large insertMany over and over).
    let chunks: Buffer[] = [];
    let buffered = 0;

    socket.on('data', (chunk) => {
      chunks.push(chunk);
      buffered += chunk.length;
      while (buffered >= 4) {
        const head = chunks.length > 1 && chunks[0]!.length < 4 ? Buffer.concat(chunks) : chunks[0]!;
        const length = head.readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_BYTES) {
          log(`[standin] connection ${connectionId}: bad message length ${length}, closing`);
          socket.destroy();
          return;
        }
        if (buffered < length) break;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
        const message = all.subarray(0, length);
        const rest = all.subarray(length);
        chunks = rest.length ? [rest] : [];
        buffered = rest.length;
        let request: WireRequest;
        try {
          request = decodeMessage(message);
        } catch (err) {
          log(`[standin] connection ${connectionId}: ${(err as Error).message}, closing`);
          socket.destroy();
          return;
        }
        if (!waiting.has(socket) && isMonitorCommand(request)) run({ socket, request, connectionId });
        else enqueue({ socket, request, connectionId });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  function isMonitorCommand(request: WireRequest): boolean {
    const name = Object.keys(request.command)[0]?.toLowerCase();
    return name !== undefined && MONITOR_COMMANDS.has(name);
  }

  function enqueue(item: Queued): void {
    queue.push(item);
    waiting.set(item.socket, (waiting.get(item.socket) ?? 0) + 1);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  }

  function drain(): void {
    const until = performance.now() + SLICE_MS;
    while (queueHead < queue.length && performance.now() < until) {
      const item = queue[queueHead]!;
      queue[queueHead++] = undefined as unknown as Queued;
      const left = (waiting.get(item.socket) ?? 1) - 1;
      if (left > 0) waiting.set(item.socket, left);
      else waiting.delete(item.socket);
      if (!item.socket.destroyed) run(item);
    }
    if (queueHead >= queue.length) {
      queue.length = 0;
      queueHead = 0;
      draining = false;
      return;
    }
    // Under constant load the queue never empties: drop the part already served now and then.
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    setImmediate(drain);
  }

  function run({ socket, request, connectionId }: Queued): void {
    try {
      const reply = handle(request, connectionId);
      if (reply) socket.write(reply);
    } catch (err) {
      log(`[standin] connection ${connectionId}: ${(err as Error).message}, closing`);
      socket.destroy();
    }
  }

  function handle(request: WireRequest, connectionId: number): Buffer | undefined {
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
