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
 * Registers a socket event with an acknowledgement: validate the payload with its schema, run the
 * handler with the session's identity, answer `{ok: true, ...}` or `{ok: false, error}`.
 * Nothing thrown ever crosses the socket.
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
