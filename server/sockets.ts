import type { Socket } from 'socket.io';
import { AppError } from '../shared/errors.js';
import { tokenFrom } from './auth/token.js';
import { registerConversationEvents } from './conversations/conversations.socket.js';
import { TypingThrottle } from './conversations/typing-throttle.js';
import { registerMessagingEvents } from './messaging/messaging.socket.js';
import { registerPresenceEvents } from './presence/presence.socket.js';
import { sessionRoom, userRoom, type IoServer } from './realtime.js';
import type { Services } from './services.js';
import { failFastSocket } from './transport/fail-fast.js';
import { capSocketsPerUser } from './transport/socket-cap.js';
import { SessionExpiry } from './transport/session-expiry.js';
import { handshakeRefusal, SocketEvents } from './transport/socket.js';

/** With the database down, a handshake still gets this long for a cached session check. */
const HANDSHAKE_GRACE_MS = 250;

/**
 * The real-time side: the handshake is authenticated with the session (cookie or `auth.token`);
 * a connection without one fails with the message `unauthenticated`, one whose session cannot be
 * checked now (database down) with `unavailable`. Each connection joins its
 * user's room and its session's room.
 */
export function attachSockets(io: IoServer, s: Services): void {
  const typingThrottle = new TypingThrottle(s.limiters, s.config.TYPING_THROTTLE_S);
  const expiry = new SessionExpiry(s.clock);
  // Every event is registered once for the process; a socket only points at the shared handlers.
  const events = new SocketEvents();
  const presence = registerPresenceEvents(events, s.presence);
  registerMessagingEvents(events, s.messaging);
  registerConversationEvents(events, s.conversations, s.realtime, typingThrottle);
  s.presence.onDelivered = (sockets) => s.metrics.presencePushes.inc(sockets);
  // One listener, the same function for every socket (EventEmitter calls it with the socket as
  // `this`): an idle socket holds no closure or listener array of its own for its departure.
  function left(this: Socket): void {
    expiry.remove(this);
    s.metrics.socketClosed();
    presence.left(this);
  }
  io.use(async (socket, next) => {
    try {
      const token = tokenFrom(
        { cookie: socket.handshake.headers.cookie, authorization: socket.handshake.headers.authorization },
        (socket.handshake.auth as { token?: unknown } | undefined)?.token,
      );
      // The database going down (or being down) answers `unavailable` at once, never a hang.
      socket.data.auth = await s.dbHealth.guard(s.auth.authenticate(token), HANDSHAKE_GRACE_MS);
      // A temporary password must be replaced before anything else (the client shows that screen).
      if (socket.data.auth.user.mustChangePassword) throw new AppError('forbidden', 'change your temporary password first');
      next();
    } catch (err) {
      // Only a session known to be missing is `unauthenticated`; one that could not be checked
      // (database down or slow) is `unavailable`, and the client keeps the person signed in.
      next(new Error(handshakeRefusal(err)));
    }
  });
  io.use(capSocketsPerUser(io, s.config.MAX_SOCKETS_PER_USER));

  io.on('connection', (socket) => {
    const { user, sessionId, expiresAt } = socket.data.auth;
    // Everything below is attached synchronously: the client may emit the moment it is connected.
    void socket.join([userRoom(user.id), sessionRoom(sessionId)]);
    // A logout between the handshake and the join above missed this socket: look again.
    void s.auth.isLive(sessionId).then(
      (live) => live || socket.disconnect(true),
      () => socket.disconnect(true),
    );
    // The socket ends with its session (one sweep for the process, not a timer per socket).
    expiry.add(socket, expiresAt);
    s.metrics.socketOpened();
    failFastSocket(socket, s.dbHealth, s.metrics.observeAck, events);
    presence.arrived(socket);
    socket.on('disconnect', left);
  });
}
