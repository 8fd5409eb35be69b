/** The audit log (issue 11): every administrative act, who did it, when and from where. */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../constants.js';
import { idSchema, intFromQuery, isoTimeSchema } from './common.js';

export { AUDIT_ACTIONS };
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditEntrySchema = z.object({
  id: idSchema,
  at: isoTimeSchema,
  actorId: idSchema,
  actorName: z.string(),
  ip: z.string(),
  action: auditActionSchema,
  /** What was acted on: a person, a department, a telework session. */
  targetType: z.enum(['user', 'department', 'telework_session', 'audit', 'staff', 'report']),
  targetId: idSchema.optional(),
  /** A short description in words (never a password, token or message text). */
  summary: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_SIZE = 50;

/** `GET /api/admin/audit?page=&action=&actorId=&targetId=&from=&to=` (`Accept: text/csv` or `format=csv`: all matching, as CSV). */
export const auditQuerySchema = z
  .object({
    page: intFromQuery(1, 100_000).optional(),
    action: auditActionSchema.optional(),
    actorId: idSchema.optional(),
    targetId: idSchema.optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
