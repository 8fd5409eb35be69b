import type { Socket } from 'socket.io';
import { presenceSetPayloadSchema } from '../../shared/schemas/presence.js';
import { overviewWatchPayloadSchema } from '../../shared/schemas/telework.js';
import type { SocketData } from '../transport/socket.js';
import { onAck } from '../transport/socket.js';
import { overviewRoom, type PresenceService } from './presence.service.js';

export function registerPresenceEvents(socket: Socket, presence: PresenceService): void {
  const { user } = (socket.data as SocketData).auth;
  presence.connected(user.id, socket.id);
  socket.on('disconnect', () => presence.disconnected(user.id, socket.id));
  // Any event from the person counts as activity (ends an automatic away).
  socket.onAny(() => presence.activity(user.id));

  onAck(socket, 'presence:set', presenceSetPayloadSchema, async (input, auth) => ({
    presence: await presence.set(auth.user, input),
  }));

  onAck(socket, 'overview:watch', overviewWatchPayloadSchema, async (input, auth) => {
    const overview = await presence.overview(auth.user, input.departmentId);
    await socket.join(overviewRoom(input.departmentId));
    return { overview };
  });

  onAck(socket, 'overview:unwatch', overviewWatchPayloadSchema, async (input) => {
    await socket.leave(overviewRoom(input.departmentId));
    return {};
  });
}
