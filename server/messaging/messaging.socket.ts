import type { Socket } from 'socket.io';
import { messageSendPayloadSchema } from '../../shared/schemas/conversations.js';
import { onAck } from '../transport/socket.js';
import type { MessagingService } from './messaging.service.js';

export function registerMessagingEvents(socket: Socket, messaging: MessagingService): void {
  // The sender is the session's user; a senderId in the payload is dropped by the schema.
  onAck(socket, 'message:send', messageSendPayloadSchema, async (input, auth) => {
    const { message } = await messaging.send(auth.user, input);
    return { message };
  });
}
