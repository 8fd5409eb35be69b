import { z } from 'zod';
import { isValidReaction, MAX_REACTION_LENGTH } from '../reactions.js';
import { idSchema } from './common.js';
import { messageBodySchema, messageSchema } from './conversations.js';

/**
 * Message actions (server/messaging/README.md, "Message actions"): edit, take back (送信取消),
 * react, pin, acknowledge (確認), remind. Socket payloads are strict; the actor is the session's user.
 */

export const messageEditPayloadSchema = z.object({ messageId: idSchema, body: messageBodySchema }).strict();
export type MessageEditPayload = z.infer<typeof messageEditPayloadSchema>;

export const messageDeletePayloadSchema = z.object({ messageId: idSchema }).strict();
export type MessageDeletePayload = z.infer<typeof messageDeletePayloadSchema>;

/** A stamp id (`stamp:ryokai` …) or exactly one emoji; free text is refused. */
export const reactionValueSchema = z
  .string()
  .max(MAX_REACTION_LENGTH)
  .refine(isValidReaction, 'must be an office stamp or a single emoji');

export const messageReactPayloadSchema = z.object({ messageId: idSchema, reaction: reactionValueSchema, on: z.boolean() }).strict();
export type MessageReactPayload = z.infer<typeof messageReactPayloadSchema>;

export const messagePinPayloadSchema = z.object({ messageId: idSchema, on: z.boolean() }).strict();
export type MessagePinPayload = z.infer<typeof messagePinPayloadSchema>;

/** `message:ack` (a recipient confirms) and `message:remind` (the sender reminds those pending). */
export const messageIdPayloadSchema = z.object({ messageId: idSchema }).strict();
export type MessageIdPayload = z.infer<typeof messageIdPayloadSchema>;

export const messageParamsSchema = z.object({ id: idSchema }).strict();

/** `GET /api/messages/:id/acks`: recipients (members now, the sender left out) who confirmed and who not. */
export const acksAnswerSchema = z.object({ acked: z.array(idSchema), pending: z.array(idSchema) }).strict();
export type AcksAnswer = z.infer<typeof acksAnswerSchema>;

/** `GET /api/conversations/:id/pins`: pinned messages, the latest pinned first. */
export const pinsAnswerSchema = z.object({ messages: z.array(messageSchema) }).strict();
export type PinsAnswer = z.infer<typeof pinsAnswerSchema>;

/** Server → members: an existing message changed (any action above). */
export const messageUpdatedEventSchema = z.object({ message: messageSchema }).strict();
export type MessageUpdatedEvent = z.infer<typeof messageUpdatedEventSchema>;

/** Server → each recipient still pending: the sender reminds them to confirm. */
export const messageReminderEventSchema = z
  .object({ conversationId: idSchema, messageId: idSchema, senderId: idSchema, message: messageSchema })
  .strict();
export type MessageReminderEvent = z.infer<typeof messageReminderEventSchema>;
