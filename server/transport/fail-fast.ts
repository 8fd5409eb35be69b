import type { RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import type { DbHealth } from '../db/db-health.js';
import type { SocketEvents } from './socket.js';

/**
 * While the database is known to be down, API requests are answered `unavailable` at once, without
 * touching it; a request still running when it goes down is answered then, instead of waiting for
 * its driver timeout. (Whatever that request was doing may still finish later; clients retry with
 * the same ids, and idempotency makes that safe.) `exempt` names routes (`METHOD /path` under /api)
 * that need no database or bound their own waits.
 */
export function failFastHttp(dbHealth: DbHealth, exempt: readonly string[] = []): RequestHandler {
  const spared = new Set(exempt);
  return (req, res, next) => {
    if (spared.has(`${req.method} ${req.path}`)) {
      next();
      return;
    }
    if (!dbHealth.up) {
      next(dbHealth.unavailable());
      return;
    }
    const off = dbHealth.onDown(() => {
      if (res.headersSent) return;
      const err = dbHealth.unavailable();
      res.status(err.status).json({ error: err.toJSON() });
    });
    res.once('close', off);
    next();
  };
}

/** Hooks around each acknowledged socket event (latency, outcome); see server/metrics. */
export interface AckObserver {
  (event: string, ok: boolean, startedAt: bigint): void;
}

/**
 * The same for socket events with an acknowledgement: answered `unavailable` at once while the
 * database is down, or as soon as it goes down while the event is being handled; the handler's
 * own late answer is then dropped (one acknowledgement per event). Events without an
 * acknowledgement (typing) are dropped while it is down. This is the socket's one middleware: it
 * then hands the packet to the process's shared handlers (`events`), or on to `socket.on`
 * listeners for events registered there.
 */
export function failFastSocket(socket: Socket, dbHealth: DbHealth, observe?: AckObserver, events?: SocketEvents): void {
  socket.use((packet, next) => {
    events?.seen(socket);
    const last = packet[packet.length - 1];
    const event = String(packet[0]);
    const shared = events?.has(event) ?? false;
    const pass = () => {
      if (!shared || !events!.dispatch(socket, packet)) next();
    };
    if (typeof last !== 'function') {
      if (dbHealth.up) pass();
      return;
    }
    // An event nobody handles never answers: wrapping it would keep its listener until the next outage.
    if (!shared && socket.listeners(event).length === 0) {
      next();
      return;
    }
    const startedAt = process.hrtime.bigint();
    let answered = false;
    let off: (() => void) | undefined;
    const ack = (reply: { ok?: boolean; error?: unknown }) => {
      if (answered) return;
      answered = true;
      off?.();
      observe?.(event, reply?.ok === true, startedAt);
      (last as (r: unknown) => void)(reply);
    };
    const unavailable = () => ack({ ok: false, error: dbHealth.unavailable().toJSON() });
    if (!dbHealth.up) {
      unavailable();
      return;
    }
    off = dbHealth.onDown(unavailable);
    packet[packet.length - 1] = ack;
    pass();
  });
}
