import type { Socket } from 'socket.io';
import { presenceSetPayloadSchema, presenceWatchPayloadSchema } from '../../shared/schemas/presence.js';
import { overviewWatchPayloadSchema } from '../../shared/schemas/telework.js';
import type { SocketData } from '../transport/socket.js';
import { onAck } from '../transport/socket.js';
import { overviewRoom, type PresenceService } from './presence.service.js';

export function registerPresenceEvents(socket: Socket, presence: PresenceService): void {
  const data = socket.data as SocketData & { activeAt?: number };
  const { user } = data.auth;
  // The socket's last activity, read by other processes (fetchSockets) to tell whether the person
  // is idle on every connection (PROTOCOL.md IDLE_AWAY_S).
  data.activeAt = presence.connected(user.id, socket.id);
  socket.on('disconnect', () => presence.disconnected(user.id, socket.id));
  // Any event from the person counts as activity (ends an automatic away).
  socket.onAny(() => {
    data.activeAt = presence.activity(user.id);
  });

  onAck(socket, 'presence:set', presenceSetPayloadSchema, async (input, auth) => ({
    presence: await presence.set(auth.user, input),
  }));

  onAck(socket, 'presence:watch', presenceWatchPayloadSchema, async (input) => ({
    presences: await presence.watch(socket.id, input.userIds),
  }));

  onAck(socket, 'overview:watch', overviewWatchPayloadSchema, async (input, auth) => ({
    overview: await presence.watchOverview(auth.user, input.departmentId, () => socket.join(overviewRoom(input.departmentId))),
  }));

  onAck(socket, 'overview:unwatch', overviewWatchPayloadSchema, async (input) => {
    await socket.leave(overviewRoom(input.departmentId));
    return {};
  });
}
