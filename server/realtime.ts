import type { Server } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../shared/events.js';
import type { SocketData } from './transport/socket.js';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Every connection of a user joins that user's room, so an event reaches all their tabs. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Every connection of a sign-in joins its session's room, so logout can disconnect exactly those. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * The services' way to push events. Who receives an event is a security decision made by the
 * service that emits it; this class only addresses rooms (across processes when the Redis
 * adapter is on).
 */
export class Realtime {
  constructor(readonly io: IoServer) {}

  toUsers(userIds: readonly string[]) {
    return this.io.to(userIds.map(userRoom));
  }

  toUsersExcept(userIds: readonly string[], exceptUserId: string) {
    return this.io.to(userIds.map(userRoom)).except(userRoom(exceptUserId));
  }

  toRoom(room: string) {
    return this.io.to(room);
  }

  async disconnectSession(sessionId: string): Promise<void> {
    this.io.in(sessionRoom(sessionId)).disconnectSockets(true);
  }
}
