import { z } from 'zod';
import { idSchema, intFromQuery } from './common.js';

/** `GET /api/admin/conversations/:id/record?after=&limit=`: the messages as stored, for the record. */
export const recordQuerySchema = z
  .object({
    after: intFromQuery(0, 1_000_000_000).optional(),
    limit: intFromQuery(1, 1000).optional(),
  })
  .strict();
export type RecordQuery = z.infer<typeof recordQuerySchema>;

export const recordEntrySchema = z.object({
  id: idSchema,
  seq: z.number().int(),
  senderId: idSchema,
  createdAt: z.string(),
  /** The text as members see it now ('' once taken back). */
  body: z.string(),
  editedAt: z.string().optional(),
  /** Every earlier text, oldest first, with when it was replaced. */
  edits: z.array(z.object({ body: z.string(), at: z.string() })),
  deletedAt: z.string().optional(),
  /** The text of a taken-back message. */
  takenBackBody: z.string().optional(),
});
export const recordPageSchema = z.object({ conversationId: idSchema, messages: z.array(recordEntrySchema), hasMore: z.boolean() });
export type RecordPage = z.infer<typeof recordPageSchema>;
