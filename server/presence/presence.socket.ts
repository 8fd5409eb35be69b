import type { Socket } from 'socket.io';
import { presenceSetPayloadSchema, presenceWatchPayloadSchema } from '../../shared/schemas/presence.js';
import { overviewWatchPayloadSchema } from '../../shared/schemas/telework.js';
import type { SocketData } from '../transport/socket.js';
import type { SocketEvents } from '../transport/socket.js';
import { overviewRoom, type PresenceService } from './presence.service.js';

type PresenceSocketData = SocketData & { activeAt?: number };

/**
 * Registers presence's events once for the process (activity included), and returns what the
 * socket's arrival and departure must tell presence: nothing is kept per socket here.
 */
export function registerPresenceEvents(
  events: SocketEvents,
  presence: PresenceService,
): { arrived(socket: Socket): void; left(socket: Socket): void } {
  events.ack('presence:set', presenceSetPayloadSchema, async (input, auth) => ({
    presence: await presence.set(auth.user, input),
  }));

  events.ack('presence:watch', presenceWatchPayloadSchema, async (input, _auth, socket) => ({
    presences: await presence.watch(socket.id, input.userIds),
  }));

  events.ack('overview:watch', overviewWatchPayloadSchema, async (input, auth, socket) => ({
    overview: await presence.watchOverview(auth.user, input.departmentId, () => socket.join(overviewRoom(input.departmentId))),
  }));

  events.ack('overview:unwatch', overviewWatchPayloadSchema, async (input, _auth, socket) => {
    await socket.leave(overviewRoom(input.departmentId));
    return {};
  });

  // Any event from the person counts as activity (ends an automatic away), even while the database
  // is down. The socket keeps its last activity, read by other processes (fetchSockets) to tell
  // whether the person is idle on every connection (PROTOCOL.md IDLE_AWAY_S).
  events.onEvery((socket) => {
    const data = socket.data as PresenceSocketData;
    data.activeAt = presence.activity(data.auth.user.id);
  });
  return {
    arrived(socket) {
      const data = socket.data as PresenceSocketData;
      data.activeAt = presence.connected(data.auth.user.id, socket.id);
    },
    left(socket) {
      presence.disconnected((socket.data as PresenceSocketData).auth.user.id, socket.id);
    },
  };
}
