import { AppError } from '../shared/errors.js';
import { tokenFrom } from './auth/token.js';
import { registerConversationEvents } from './conversations/conversations.socket.js';
import { registerMessagingEvents } from './messaging/messaging.socket.js';
import { registerPresenceEvents } from './presence/presence.socket.js';
import { sessionRoom, userRoom, type IoServer } from './realtime.js';
import type { Services } from './services.js';

/**
 * The real-time side: the handshake is authenticated with the session (cookie or `auth.token`);
 * a connection without one fails with the message `unauthenticated`, one whose session cannot be
 * checked now (database down) with `unavailable`. Each connection joins its
 * user's room and its session's room.
 */
export function attachSockets(io: IoServer, s: Services): void {
  io.use(async (socket, next) => {
    try {
      const token = tokenFrom(
        { cookie: socket.handshake.headers.cookie, authorization: socket.handshake.headers.authorization },
        (socket.handshake.auth as { token?: unknown } | undefined)?.token,
      );
      socket.data.auth = await s.auth.authenticate(token);
      // A temporary password must be replaced before anything else (the client shows that screen).
      if (socket.data.auth.user.mustChangePassword) throw new AppError('forbidden', 'change your temporary password first');
      next();
    } catch (err) {
      // Only a session known to be missing is `unauthenticated`; one that could not be checked
      // (database down or slow) is `unavailable`, and the client keeps the person signed in.
      next(new Error(err instanceof AppError ? err.code : 'unavailable'));
    }
  });

  io.on('connection', (socket) => {
    const { user, sessionId, expiresAt } = socket.data.auth;
    // Handlers are registered synchronously: the client may emit the moment it is connected.
    void socket.join([userRoom(user.id), sessionRoom(sessionId)]);
    // A logout between the handshake and the join above missed this socket: look again.
    void s.auth.isLive(sessionId).then(
      (live) => live || socket.disconnect(true),
      () => socket.disconnect(true),
    );
    // The socket ends with its session.
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(expiresAt.getTime() - Date.now(), 2 ** 31 - 1));
    expiry.unref();
    socket.on('disconnect', () => clearTimeout(expiry));
    registerPresenceEvents(socket, s.presence);
    registerMessagingEvents(socket, s.messaging);
    registerConversationEvents(socket, s.conversations, s.realtime);
  });
}
