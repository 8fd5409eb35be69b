import { z } from 'zod';
import { idSchema, isoTimeSchema } from './common.js';
import { departmentSchema } from './directory.js';
import { userSchema } from './auth.js';
import { presenceSchema } from './presence.js';

export const END_REASONS = ['ended', 'timeout', 'forced'] as const;
export const endReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof endReasonSchema>;

export const teleworkSessionSchema = z.object({
  id: idSchema,
  userId: idSchema,
  startedAt: isoTimeSchema,
  lastHeartbeatAt: isoTimeSchema,
  endedAt: isoTimeSchema.optional(),
  endReason: endReasonSchema.optional(),
  source: z.enum(['self', 'gateway']),
});
export type TeleworkSession = z.infer<typeof teleworkSessionSchema>;

export const startTeleworkBodySchema = z.object({ userId: idSchema.optional() }).strict();
export type StartTeleworkBody = z.infer<typeof startTeleworkBodySchema>;

export const teleworkSessionParamsSchema = z.object({ id: idSchema }).strict();

export const teleworkStatusSchema = z.object({
  capacity: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
});
export type TeleworkStatus = z.infer<typeof teleworkStatusSchema>;

export const overviewQuerySchema = z.object({ departmentId: idSchema }).strict();

export const overviewMemberSchema = z.object({
  user: userSchema,
  presence: presenceSchema,
  teleworkMinutesToday: z.number().int().nonnegative(),
});
export type OverviewMember = z.infer<typeof overviewMemberSchema>;

export const overviewSchema = z.object({
  department: departmentSchema,
  counts: z.object({ teleworking: z.number(), in_office: z.number(), offline: z.number() }),
  members: z.array(overviewMemberSchema),
});
export type Overview = z.infer<typeof overviewSchema>;

export const overviewWatchPayloadSchema = z.object({ departmentId: idSchema }).strict();
