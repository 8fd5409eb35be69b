import { log } from '../log.js';
import { userRoom, type IoServer } from '../realtime.js';

type Middleware = Parameters<IoServer['use']>[0];

/**
 * At most `max` open sockets per person, counted across every server process (with the Redis
 * adapter, `fetchSockets` asks all of them: one cross-process round trip, at connect only). One
 * more is refused with `rate_limited` rather than closing the oldest: a runaway tab that reconnects
 * in a loop must not push the person's real tabs off. Two handshakes at the very same moment may
 * both pass at max − 1: the cap is tight to within the handshakes in flight.
 */
export function capSocketsPerUser(io: IoServer, max: number): Middleware {
  return async (socket, next) => {
    try {
      const open = await io.in(userRoom(socket.data.auth.user.id)).fetchSockets();
      next(open.length >= max ? new Error('rate_limited') : undefined);
    } catch (err) {
      // Another process did not answer in time: let the person in rather than lock them out.
      log.warn({ err }, 'socket cap: could not count sockets; allowing');
      next();
    }
  };
}
