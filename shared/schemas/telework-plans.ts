/**
 * テレワーク予定 (issue 11): staff tell their supervisor ahead (a day or a range, with a note), or on
 * the morning itself; the supervisor board puts today's plan beside the actual state.
 */
import { z } from 'zod';
import { idSchema, isoTimeSchema } from './common.js';
import { displayText } from './directory.js';

export const MAX_PLAN_DAYS = 31;

export const teleworkPlanSchema = z.object({
  id: idSchema,
  userId: idSchema,
  /** `YYYY-MM-DD`, Asia/Tokyo. */
  date: z.string(),
  note: z.string().optional(),
  /** Registered on the day itself (a same-day notice: the supervisor was told at once). */
  sameDay: z.boolean().optional(),
  createdAt: isoTimeSchema,
});
export type TeleworkPlan = z.infer<typeof teleworkPlanSchema>;

/** One day, or every day from `from` to `to` (at most 31); today or later. Registering a day again replaces its note. */
export const createPlansBodySchema = z
  .object({ from: z.iso.date(), to: z.iso.date().optional(), note: displayText(200).optional() })
  .strict()
  .refine((b) => !b.to || b.to >= b.from, { path: ['to'], message: 'must not be before from' });
export type CreatePlansBody = z.infer<typeof createPlansBodySchema>;

export const planParamsSchema = z.object({ id: idSchema }).strict();
export const departmentPlansQuerySchema = z.object({ departmentId: idSchema }).strict();

/** The board's view: today's and tomorrow's plans of the people in a department and below. */
export const departmentPlansSchema = z.object({
  today: z.string(),
  tomorrow: z.string(),
  plans: z.array(teleworkPlanSchema),
});
export type DepartmentPlans = z.infer<typeof departmentPlansSchema>;

/** To the supervisors above the person: a same-day notice (「本日テレワークします」). */
export const teleworkPlanEventSchema = z.object({ plan: teleworkPlanSchema, name: z.string() });
export type TeleworkPlanEvent = z.infer<typeof teleworkPlanEventSchema>;
