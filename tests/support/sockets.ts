import { io as connect, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client connection authenticated with a session token. */
export function connectSocket(
  url: string,
  token: string | undefined,
  opts: { reconnection?: boolean; origin?: string; transports?: ('websocket' | 'polling')[] } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    auth: token ? { token } : {},
    transports: opts.transports ?? ['websocket'],
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
    reconnection: opts.reconnection ?? false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emits with an acknowledgement and resolves with it. */
export function emitAck<T = any>(socket: ClientSocket, event: string, payload: unknown): Promise<T> {
  return (socket as unknown as Socket).timeout(10_000).emitWithAck(event, payload) as Promise<T>;
}

/**
 * Records every `event` a socket receives, each parsed with its shared schema (an event that
 * does not match its schema fails the test, as Zulip checks every event it sends).
 */
export class EventLog<S extends z.ZodType> {
  readonly events: z.infer<S>[] = [];
  readonly errors: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(socket: ClientSocket, event: string, schema: S) {
    (socket as unknown as Socket).on(event, (payload: unknown) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) this.errors.push(`${event}: ${parsed.error.message}`);
      else this.events.push(parsed.data);
      for (const w of this.waiters) w();
    });
  }

  /** Waits until `predicate` holds over the events received so far. */
  async until(predicate: (events: z.infer<S>[]) => boolean, timeoutMs = 10_000): Promise<z.infer<S>[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.errors.length) throw new Error(this.errors.join('\n'));
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for events; have ${JSON.stringify(this.events).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters = [];
    }
    if (this.errors.length) throw new Error(this.errors.join('\n'));
    return this.events;
  }
}

/** Lets in-flight events arrive: a round trip through the server (an ack) after them. */
export async function settle(socket: ClientSocket): Promise<void> {
  await emitAck(socket, 'conversation:read', { conversationId: '000000000000000000000000', seq: 0 });
}
