import type { z } from 'zod';
import type { Socket } from 'socket.io';
import type { Ack } from '../../shared/events.js';
import { AppError } from '../../shared/errors.js';
import { log } from '../log.js';
import { toErrorBody } from './http.js';
import { parse } from './validate.js';
import type { AuthContext } from '../auth/auth.service.js';

export interface SocketData {
  auth: AuthContext;
}

/**
 * Registers a socket event with an acknowledgement on one socket: validate the payload with its schema, run the
 * handler with the session's identity, answer `{ok: true, ...}` or `{ok: false, error}`.
 * Nothing thrown ever crosses the socket. Costs two closures per socket and event: register on the
 * process's SocketEvents instead (below); this stays for events only one socket should have.
 */
export function onAck<S extends z.ZodType, R extends object>(
  socket: Socket,
  event: string,
  schema: S,
  handler: (input: z.infer<S>, auth: AuthContext) => Promise<R>,
): void {
  socket.on(event, async (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack<R>) => void) : () => {};
    try {
      const input = parse(schema, payload);
      const result = await handler(input, (socket.data as SocketData).auth);
      reply({ ok: true, ...result });
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (status >= 500 && body.code !== 'unavailable') log.error({ err, event }, 'socket event failed');
      reply({ ok: false, error: body });
    }
  });
}

/** What a registered event runs: the decoded payload, the session's identity, and the socket it came on. */
type EventHandler<S extends z.ZodType, R> = (input: z.infer<S>, auth: AuthContext, socket: Socket) => Promise<R>;

interface Registered {
  schema: z.ZodType;
  handler: EventHandler<z.ZodType, object | void>;
  /** Answers `{ok, …}` through the acknowledgement (else a bad payload is dropped silently). */
  acked: boolean;
}

/**
 * The process's socket events, registered once and shared by every socket (issue 7's heap per
 * idle connection): `onAck(socket, …)` per socket cost two closures per event, about 2 KB for each
 * of 3,000 idle sockets; here a socket costs nothing per event. The socket's one middleware
 * (failFastSocket) hands each packet to `dispatch`; events registered here never reach
 * `socket.on` listeners. Same contract as onAck/onEvent: validate, run with the session's identity,
 * answer `{ok: true, ...}` or `{ok: false, error}`, nothing thrown crosses the socket.
 */
export class SocketEvents {
  private readonly registered = new Map<string, Registered>();
  private readonly everyPacket: ((socket: Socket) => void)[] = [];

  /** Called for every packet any socket sends, before anything else (where `socket.onAny` would be). */
  onEvery(listener: (socket: Socket) => void): void {
    this.everyPacket.push(listener);
  }

  /** The socket's middleware calls this first for each packet. */
  seen(socket: Socket): void {
    for (const listener of this.everyPacket) listener(socket);
  }

  /** An event with an acknowledgement (as onAck). */
  ack<S extends z.ZodType, R extends object>(event: string, schema: S, handler: EventHandler<S, R>): void {
    this.registered.set(event, { schema, handler: handler as EventHandler<z.ZodType, R>, acked: true });
  }

  /** An event without acknowledgement (as onEvent): bad payloads are dropped silently. */
  event<S extends z.ZodType>(event: string, schema: S, handler: EventHandler<S, void>): void {
    this.registered.set(event, { schema, handler: handler as EventHandler<z.ZodType, void>, acked: false });
  }

  has(event: string): boolean {
    return this.registered.has(event);
  }

  /**
   * Runs the handler of `packet` (`[event, payload?, ack?]`, as socket.io hands it to a socket's
   * middleware) for `socket`; false when the event is not registered here.
   */
  dispatch(socket: Socket, packet: unknown[]): boolean {
    const event = String(packet[0]);
    const entry = this.registered.get(event);
    if (!entry) return false;
    const ack = packet[2];
    void run(socket, event, entry, packet[1], entry.acked && typeof ack === 'function' ? (ack as (a: unknown) => void) : undefined);
    return true;
  }
}

async function run(socket: Socket, event: string, entry: Registered, payload: unknown, reply?: (a: unknown) => void): Promise<void> {
  try {
    const input = parse(entry.schema, payload);
    const result = await entry.handler(input, (socket.data as SocketData).auth, socket);
    reply?.({ ok: true, ...result });
  } catch (err) {
    const { status, body } = toErrorBody(err);
    if (status >= 500 && body.code !== 'unavailable') log.error({ err, event }, 'socket event failed');
    reply?.({ ok: false, error: body });
  }
}

/** An event without acknowledgement (typing): bad payloads are dropped silently. */
export function onEvent<S extends z.ZodType>(
  socket: Socket,
  event: string,
  schema: S,
  handler: (input: z.infer<S>, auth: AuthContext) => Promise<void>,
): void {
  socket.on(event, async (payload: unknown) => {
    try {
      await handler(parse(schema, payload), (socket.data as SocketData).auth);
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (status >= 500 && body.code !== 'unavailable') log.error({ err, event }, 'socket event failed');
    }
  });
}

/**
 * The `connect_error` message of a refused handshake: the AppError's code, `unavailable` when the
 * database could not be asked (retry later: never a reason to sign the person out), and
 * `unauthenticated` for anything else.
 */
export function handshakeRefusal(err: unknown): string {
  if (err instanceof AppError) return err.code;
  // Anything else means the session could not be checked, not that it is missing.
  return 'unavailable';
}
