import { messageSendPayloadSchema } from '../../shared/schemas/conversations.js';
import {
  messageDeletePayloadSchema,
  messageEditPayloadSchema,
  messageIdPayloadSchema,
  messagePinPayloadSchema,
  messageReactPayloadSchema,
} from '../../shared/schemas/message-actions.js';
import type { SocketEvents } from '../transport/socket.js';
import type { MessagingService } from './messaging.service.js';

/** Registered once for the process; every socket shares them (transport/socket.ts SocketEvents). */
export function registerMessagingEvents(events: SocketEvents, messaging: MessagingService): void {
  // The sender is the session's user; a senderId in the payload is dropped by the schema.
  events.ack('message:send', messageSendPayloadSchema, async (input, auth) => {
    const { message } = await messaging.send(auth.user, input);
    return { message };
  });
  registerMessageActionEvents(events, messaging);
}

/** Actions on existing messages (actions.service.ts): decode, then the service authorises and acts. */
export function registerMessageActionEvents(events: SocketEvents, messaging: MessagingService): void {
  const actions = messaging.actions;
  events.ack('message:edit', messageEditPayloadSchema, async (input, auth) => ({ message: await actions.edit(auth.user, input) }));
  events.ack('message:delete', messageDeletePayloadSchema, async (input, auth) => ({ message: await actions.takeBack(auth.user, input) }));
  events.ack('message:react', messageReactPayloadSchema, async (input, auth) => ({ message: await actions.react(auth.user, input) }));
  events.ack('message:pin', messagePinPayloadSchema, async (input, auth) => ({ message: await actions.pin(auth.user, input) }));
  events.ack('message:ack', messageIdPayloadSchema, async (input, auth) => {
    await actions.ack(auth.user, input);
    return {};
  });
  events.ack('message:remind', messageIdPayloadSchema, (input, auth) => actions.remind(auth.user, input));
}
