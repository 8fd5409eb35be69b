import type { Socket } from 'socket.io';
import { presenceSetPayloadSchema, presenceWatchPayloadSchema } from '../../shared/schemas/presence.js';
import { overviewWatchPayloadSchema } from '../../shared/schemas/telework.js';
import type { SocketData } from '../transport/socket.js';
import type { SocketEvents } from '../transport/socket.js';
import { overviewRoom, type PresenceService } from './presence.service.js';

type PresenceSocketData = SocketData & { activeAt?: number };

/**
 * Registers presence's events once for the process, and returns what each new socket needs: its
 * arrival counted, and its activity and departure followed through listeners shared by every
 * socket (socket.io and EventEmitter call them with the socket as `this`), so an idle socket
 * holds no closure of its own.
 */
export function registerPresenceEvents(events: SocketEvents, presence: PresenceService): (socket: Socket) => void {
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

  // Any event from the person counts as activity (ends an automatic away). The socket keeps its
  // last activity, read by other processes (fetchSockets) to tell whether the person is idle on
  // every connection (PROTOCOL.md IDLE_AWAY_S).
  function onActivity(this: Socket): void {
    const data = this.data as PresenceSocketData;
    data.activeAt = presence.activity(data.auth.user.id);
  }
  function onGone(this: Socket): void {
    presence.disconnected((this.data as PresenceSocketData).auth.user.id, this.id);
  }
  return (socket) => {
    const data = socket.data as PresenceSocketData;
    data.activeAt = presence.connected(data.auth.user.id, socket.id);
    socket.on('disconnect', onGone);
    socket.onAny(onActivity);
  };
}
