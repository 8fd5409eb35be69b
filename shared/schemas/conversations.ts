import { z } from 'zod';
import { CONVERSATION_KINDS, MAX_BODY_CHARS } from '../constants.js';
import { idSchema, intFromQuery, isoTimeSchema, clientMsgIdSchema } from './common.js';
import { mentionSendFields } from './mentions.js';
import { fileInfoSchema, fileSendFields } from './files.js';

export { CONVERSATION_KINDS, MAX_BODY_CHARS };

export const conversationKindSchema = z.enum(CONVERSATION_KINDS);
export type ConversationKind = z.infer<typeof conversationKindSchema>;

/** The longest member list a request may carry; the configured MAX_GROUP_MEMBERS is the real cap. */
export const MAX_MEMBERS = 5000;

/** What a system message records; written by the server, never by a client (see messaging/README.md). */
export const SYSTEM_EVENT_TYPES = [
  'member_left',
  'members_added',
  'member_removed',
  'title_changed',
  // Added by conversation management (issue 9): someone joined a channel by themselves; people
  // moved out of a department channel because their department changed.
  'member_joined',
  'department_moved',
  // Quick meetings (issue 10, server/meetings): the meeting's own record, and the summary posted
  // to the conversation it was started from.
  'meeting_invited',
  'meeting_started',
  'meeting_joined',
  'meeting_left',
  'meeting_extended',
  'meeting_ended',
  'meeting_summary',
] as const;
export const systemEventSchema = z.object({
  type: z.enum(SYSTEM_EVENT_TYPES),
  /** Who joined, left or was removed. */
  userIds: z.array(idSchema).optional(),
  /** The new title (`title_changed`). */
  title: z.string().optional(),
  /** Meetings (issue 10): which meeting, and for `meeting_extended` by how many minutes. */
  meetingId: idSchema.optional(),
  minutes: z.number().int().positive().optional(),
});
export type SystemEvent = z.infer<typeof systemEventSchema>;

/** A quoted original (`Message.replyTo`); `body` is at most REPLY_SNIPPET_CHARS and empty once taken back. */
export const replyToSchema = z.object({
  id: idSchema,
  seq: z.number().int().positive(),
  senderId: idSchema,
  body: z.string(),
  deletedAt: isoTimeSchema.optional(),
});
export type ReplyTo = z.infer<typeof replyToSchema>;

/** One reaction on a message and everyone who chose it. */
export const reactionSchema = z.object({ reaction: z.string(), userIds: z.array(idSchema) });
export type Reaction = z.infer<typeof reactionSchema>;

export const messageSchema = z.object({
  id: idSchema,
  conversationId: idSchema,
  seq: z.number().int().positive(),
  senderId: idSchema,
  body: z.string(),
  clientMsgId: z.string(),
  createdAt: isoTimeSchema,
  editedAt: isoTimeSchema.optional(),
  deletedAt: isoTimeSchema.optional(),
  mentions: z.array(idSchema),
  /** Extension: the sender mentioned everyone in the conversation (@全員 / @all); absent otherwise. */
  mentionsAll: z.boolean().optional(),
  /** Extension: set on a notice written by the server (someone left …); its `body` says it in words. */
  system: systemEventSchema.optional(),
  // Message actions (server/messaging/README.md, "Message actions").
  /** The message this one answers: a snippet of it, blank with `deletedAt` once it was taken back. */
  replyTo: replyToSchema.optional(),
  /** Who reacted with what, in the order each reaction first appeared; absent when none. */
  reactions: z.array(reactionSchema).optional(),
  pinnedAt: isoTimeSchema.optional(),
  pinnedBy: idSchema.optional(),
  /** 確認依頼: the sender asks each recipient to confirm (`message:ack`). */
  ackRequested: z.boolean().optional(),
  /** How many recipients confirmed so far (with `ackRequested`). */
  ackCount: z.number().int().nonnegative().optional(),
  /** The conversation's change counter at this message's latest change (edit, take-back, reaction, pin, ack). */
  changeSeq: z.number().int().positive().optional(),
  /** Files (issue 12, server/files): attached at send; absent when none, and once taken back. */
  files: z.array(fileInfoSchema).optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z.object({
  id: idSchema,
  kind: conversationKindSchema,
  title: z.string(),
  memberIds: z.array(idSchema),
  lastSeq: z.number().int().nonnegative(),
  lastMessage: messageSchema.optional(),
  unreadCount: z.number().int().nonnegative(),
  myLastReadSeq: z.number().int().nonnegative(),
  /** Extension: each member's read mark, for "既読 N" (groups) and "既読" (direct messages). */
  readSeqs: z.record(z.string(), z.number().int().nonnegative()),
  createdAt: isoTimeSchema,
  /** Extension: the time the list is ordered by (latest message or creation); with `id` it is a list cursor. */
  activityAt: isoTimeSchema.optional(),
  /** Extension (issue 9): the viewer's own settings; present only when true. */
  muted: z.boolean().optional(),
  favourite: z.boolean().optional(),
  /** Extension (issue 9): who created it (with supervisors and admins, may rename and change members). */
  createdBy: idSchema.optional(),
  /** Extension (issue 9), channels only: who may find and join it; its department for `department`. */
  visibility: z.enum(['members', 'department', 'everyone']).optional(),
  departmentId: idSchema.optional(),
  /** Extension (issue 9): the department's own channel, whose members follow the department. */
  departmentChannel: z.boolean().optional(),
  /** Extension: unread messages that mention the viewer or everyone (@全員): the mention badge. */
  mentionCount: z.number().int().nonnegative().optional(),
  /** Extension (issue 10), meetings only: the meeting this conversation belongs to. */
  meetingId: idSchema.optional(),
  /** Extension (issue 10), meetings only: when it ended; from then on it is read-only. */
  closedAt: isoTimeSchema.optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const titleSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const createConversationBodySchema = z
  .object({
    kind: z.enum(['dm', 'group', 'channel']),
    // A channel may start with its creator alone (others join from the channel list).
    memberIds: z.array(idSchema).max(MAX_MEMBERS),
    title: titleSchema.optional(),
    /** Channels only (issue 9): who may find and join it; default `department` (the creator's). */
    visibility: z.enum(['members', 'department', 'everyone']).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind !== 'channel' && body.memberIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['memberIds'], message: 'name at least one other person' });
    }
    if (body.kind !== 'channel' && body.visibility !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['visibility'], message: 'only a channel has a visibility' });
    }
    if (body.kind === 'dm' && body.memberIds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['memberIds'], message: 'a dm names exactly one other person' });
    }
    if (body.kind === 'channel' && !body.title) {
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'a channel needs a title' });
    }
  });
export type CreateConversationBody = z.infer<typeof createConversationBodySchema>;

/**
 * A position in the conversation list: `<activity time in ms>_<conversation id>`. The next page
 * holds the conversations after it (older activity, then smaller id).
 */
export const conversationCursorSchema = z.string().regex(/^\d{1,15}_[0-9a-f]{24}$/, 'must be a cursor from X-Next-Cursor');
export const MAX_CONVERSATION_PAGE = 200;

export const listConversationsQuerySchema = z
  .object({
    limit: intFromQuery(1, MAX_CONVERSATION_PAGE).optional(),
    before: conversationCursorSchema.optional(),
  })
  .strict();
export type ListConversationsQuery = z.infer<typeof listConversationsQuerySchema>;

export const conversationParamsSchema = z.object({ id: idSchema }).strict();

export const listMessagesQuerySchema = z
  .object({
    after: intFromQuery(0, 1_000_000_000).optional(),
    before: intFromQuery(1, 1_000_000_000).optional(),
    limit: intFromQuery(1, 200).optional(),
  })
  .strict();
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

export const messagePageSchema = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() });
export type MessagePage = z.infer<typeof messagePageSchema>;

/** Body text: trimmed, 1 to MAX_BODY_CHARS characters. */
export const messageBodySchema = z
  .string()
  .trim()
  .min(1, 'the message is empty')
  .refine((s) => [...s].length <= MAX_BODY_CHARS, `at most ${MAX_BODY_CHARS} characters`);

/**
 * Unknown keys are dropped rather than refused here (the one non-strict payload): a forged
 * `senderId` is ignored, and the sender is always the session's user (PROTOCOL.md).
 */
export const messageSendPayloadSchema = z
  .object({
    conversationId: idSchema,
    clientMsgId: clientMsgIdSchema,
    /** May be empty only when files are attached (`fileIds`). */
    body: z
      .string()
      .trim()
      .refine((s) => [...s].length <= MAX_BODY_CHARS, `at most ${MAX_BODY_CHARS} characters`),
    /** Answer this message (of the same conversation, else `bad_request`). */
    replyToId: idSchema.optional(),
    /** 確認依頼: ask every recipient to confirm. */
    ackRequested: z.boolean().optional(),
    ...mentionSendFields,
    ...fileSendFields,
  })
  .strip()
  .refine((p) => p.body.length > 0 || (p.fileIds?.length ?? 0) > 0, { message: 'the message is empty', path: ['body'] });
export type MessageSendPayload = z.infer<typeof messageSendPayloadSchema>;

export const conversationReadPayloadSchema = z
  .object({ conversationId: idSchema, seq: z.number().int().nonnegative().max(1_000_000_000) })
  .strict();
export type ConversationReadPayload = z.infer<typeof conversationReadPayloadSchema>;

export const typingPayloadSchema = z
  .object({ conversationId: idSchema, typing: z.boolean() })
  .strict();
export type TypingPayload = z.infer<typeof typingPayloadSchema>;

export const messageNewEventSchema = z.object({ message: messageSchema });
export const conversationNewEventSchema = z.object({ conversation: conversationSchema });
export const conversationReadEventSchema = z.object({
  conversationId: idSchema,
  userId: idSchema,
  seq: z.number().int().nonnegative(),
});
export type ConversationReadEvent = z.infer<typeof conversationReadEventSchema>;
export const typingEventSchema = z.object({ conversationId: idSchema, userId: idSchema, typing: z.boolean() });
export type TypingEvent = z.infer<typeof typingEventSchema>;

/** Membership or title changed: each remaining member gets the conversation as they see it now. */
export const conversationUpdatedEventSchema = z.object({ conversation: conversationSchema });
/** To the connections of the person who left: drop this conversation. */
export const conversationLeftEventSchema = z.object({ conversationId: idSchema });
export type ConversationLeftEvent = z.infer<typeof conversationLeftEventSchema>;
