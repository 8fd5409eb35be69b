import { z } from 'zod';
import { idSchema } from './common.js';

/** The most people one message may mention by name (beyond that, @全員 is the tool). */
export const MAX_MENTIONS = 100;

/**
 * Added to `message:send` (see server/messaging/README.md, "Mentions"): the people the sender
 * chose in the @ picker, as user ids, and `mentionsAll` for @全員 / @all. The body keeps the
 * readable text (`@山田 太郎`); the ids are what count. Each id must be a member of the
 * conversation (`bad_request` otherwise); `mentionsAll` only for supervisors and admins, or in
 * conversations of at most MENTION_ALL_MAX_MEMBERS people (`forbidden` otherwise). Without
 * `mentions`, `@loginId` tokens of members in the body are taken as mentions (older clients).
 */
export const mentionSendFields = {
  mentions: z.array(idSchema).max(MAX_MENTIONS).optional(),
  mentionsAll: z.boolean().optional(),
};

/** `GET /api/messages/:id/readers`: the members other than the sender, by whether their read mark reached it. */
export const readersSchema = z.object({ read: z.array(idSchema), unread: z.array(idSchema) });
export type Readers = z.infer<typeof readersSchema>;

