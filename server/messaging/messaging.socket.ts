import type { Socket } from 'socket.io';
import { messageSendPayloadSchema } from '../../shared/schemas/conversations.js';
import {
  messageDeletePayloadSchema,
  messageEditPayloadSchema,
  messageIdPayloadSchema,
  messagePinPayloadSchema,
  messageReactPayloadSchema,
} from '../../shared/schemas/message-actions.js';
import { onAck } from '../transport/socket.js';
import type { MessagingService } from './messaging.service.js';

export function registerMessagingEvents(socket: Socket, messaging: MessagingService): void {
  // The sender is the session's user; a senderId in the payload is dropped by the schema.
  onAck(socket, 'message:send', messageSendPayloadSchema, async (input, auth) => {
    const { message } = await messaging.send(auth.user, input);
    return { message };
  });
  registerMessageActionEvents(socket, messaging);
}

/** Actions on existing messages (actions.service.ts): decode, then the service authorises and acts. */
export function registerMessageActionEvents(socket: Socket, messaging: MessagingService): void {
  const actions = messaging.actions;
  onAck(socket, 'message:edit', messageEditPayloadSchema, async (input, auth) => ({ message: await actions.edit(auth.user, input) }));
  onAck(socket, 'message:delete', messageDeletePayloadSchema, async (input, auth) => ({ message: await actions.takeBack(auth.user, input) }));
  onAck(socket, 'message:react', messageReactPayloadSchema, async (input, auth) => ({ message: await actions.react(auth.user, input) }));
  onAck(socket, 'message:pin', messagePinPayloadSchema, async (input, auth) => ({ message: await actions.pin(auth.user, input) }));
  onAck(socket, 'message:ack', messageIdPayloadSchema, async (input, auth) => {
    await actions.ack(auth.user, input);
    return {};
  });
  onAck(socket, 'message:remind', messageIdPayloadSchema, (input, auth) => actions.remind(auth.user, input));
}
