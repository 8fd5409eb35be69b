/**
 * 人事異動 (issue 11): department changes for many people at once, effective on a date (the usual
 * 4月1日 rotation). On that date (Asia/Tokyo) their department — and with it their department
 * channel and which supervisors see them — changes.
 */
import { z } from 'zod';
import { idSchema, isoTimeSchema } from './common.js';
import { displayText } from './directory.js';

export const TRANSFER_STATES = ['pending', 'applied', 'cancelled'] as const;
export const MAX_TRANSFER_MOVES = 5000;

export const transferSchema = z.object({
  id: idSchema,
  userId: idSchema,
  /** The department at the time it was scheduled (for the record). */
  fromDepartmentId: idSchema,
  toDepartmentId: idSchema,
  /** `YYYY-MM-DD`, Asia/Tokyo: from 00:00 that day. */
  effectiveDate: z.string(),
  note: z.string().optional(),
  state: z.enum(TRANSFER_STATES),
  createdBy: idSchema,
  createdAt: isoTimeSchema,
  appliedAt: isoTimeSchema.optional(),
});
export type Transfer = z.infer<typeof transferSchema>;

export const scheduleTransfersBodySchema = z
  .object({
    effectiveDate: z.iso.date(),
    moves: z
      .array(z.object({ userId: idSchema, departmentId: idSchema }).strict())
      .min(1)
      .max(MAX_TRANSFER_MOVES)
      .refine((moves) => new Set(moves.map((m) => m.userId)).size === moves.length, 'each person at most once'),
    note: displayText(200).optional(),
  })
  .strict();
export type ScheduleTransfersBody = z.infer<typeof scheduleTransfersBodySchema>;

export const listTransfersQuerySchema = z.object({ state: z.enum(TRANSFER_STATES).optional() }).strict();
export const transferParamsSchema = z.object({ id: idSchema }).strict();
