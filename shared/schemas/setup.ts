/**
 * First start (issue 11): on an empty database with no admin, the server prints a one-time setup
 * code; the first visit creates the first admin with it (`server/setup/README.md`).
 */
import { z } from 'zod';
import { createUserBodySchema } from './directory.js';

export const setupStatusSchema = z.object({ needed: z.boolean() }).strict();
export type SetupStatus = z.infer<typeof setupStatusSchema>;

/** The code as printed (`ABCD-EFGH-JKLM`); spaces, hyphens, case and full-width letters are forgiven. */
export const setupCodeSchema = z.string().trim().min(1).max(40);

export const setupBodySchema = createUserBodySchema
  .pick({ loginId: true, password: true, name: true, nameKana: true })
  .extend({ code: setupCodeSchema, staffNo: createUserBodySchema.shape.staffNo.optional() })
  .strict();
export type SetupBody = z.infer<typeof setupBodySchema>;
