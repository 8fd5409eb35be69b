import { z } from 'zod';
import { MAX_BODY_CHARS } from '../constants.js';
import { idSchema, isoTimeSchema } from './common.js';
import { MAX_MEMBERS, titleSchema } from './conversations.js';

/**
 * Managing conversations (issue 9): rename, members, channels, per-person settings and drafts.
 * Routes and events are listed in server/conversations/README.md.
 */

/** `PATCH /api/conversations/:id` */
export const renameConversationBodySchema = z.object({ title: titleSchema }).strict();
export type RenameConversationBody = z.infer<typeof renameConversationBodySchema>;

/** `POST /api/conversations/:id/members` */
export const addMembersBodySchema = z.object({ userIds: z.array(idSchema).min(1).max(MAX_MEMBERS) }).strict();
export type AddMembersBody = z.infer<typeof addMembersBodySchema>;

/** `DELETE /api/conversations/:id/members/:userId` */
export const memberParamsSchema = z.object({ id: idSchema, userId: idSchema }).strict();

/** `PUT /api/conversations/:id/settings`: at least one of the two. */
export const conversationSettingsBodySchema = z
  .object({ muted: z.boolean().optional(), favourite: z.boolean().optional() })
  .strict()
  .refine((b) => b.muted !== undefined || b.favourite !== undefined, 'give muted or favourite');
export type ConversationSettingsBody = z.infer<typeof conversationSettingsBodySchema>;

/** The person's settings of one conversation; `conversation:settings` to their connections. */
export const conversationSettingsEventSchema = z.object({
  conversationId: idSchema,
  muted: z.boolean(),
  favourite: z.boolean(),
});
export type ConversationSettingsEvent = z.infer<typeof conversationSettingsEventSchema>;

/**
 * `PUT /api/conversations/:id/draft`: the unsent text, as typed (not trimmed); an empty body
 * deletes the draft. Capped like a message body, counted in code points.
 */
export const draftBodySchema = z
  .object({
    body: z.string().refine((s) => [...s].length <= MAX_BODY_CHARS, `at most ${MAX_BODY_CHARS} characters`),
  })
  .strict();
export type DraftBody = z.infer<typeof draftBodySchema>;

/** `GET /api/conversations/:id/draft` → the draft (empty body and no time when there is none). */
export const draftSchema = z.object({ body: z.string(), updatedAt: isoTimeSchema.optional() });
export type Draft = z.infer<typeof draftSchema>;

/** One entry of `GET /api/channels`: a channel the caller may see (a member, or allowed to join). */
export const channelSummarySchema = z.object({
  id: idSchema,
  title: z.string(),
  visibility: z.enum(['members', 'department', 'everyone']),
  departmentId: idSchema.optional(),
  departmentChannel: z.boolean(),
  memberCount: z.number().int().nonnegative(),
  member: z.boolean(),
  createdAt: isoTimeSchema,
});
export type ChannelSummary = z.infer<typeof channelSummarySchema>;
export const channelListSchema = z.object({ channels: z.array(channelSummarySchema) });
export type ChannelList = z.infer<typeof channelListSchema>;
