import { z } from 'zod';
import { idSchema } from './common.js';
import { loginIdSchema, passwordSchema, roleSchema } from './auth.js';
import { presenceSchema, presenceStateSchema } from './presence.js';
import { userSchema } from './auth.js';

export const departmentSchema = z.object({
  id: idSchema,
  name: z.string(),
  parentId: idSchema.nullable(),
});
export type Department = z.infer<typeof departmentSchema>;

/** Text shown to people (names, titles): trimmed, 1..max characters, no control characters. */
export const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Control characters have no place in names shown to people.
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const createDepartmentBodySchema = z
  .object({ name: displayText(100), parentId: idSchema.optional() })
  .strict();
export type CreateDepartmentBody = z.infer<typeof createDepartmentBodySchema>;

/** `PATCH /api/admin/departments/:id` (issue 11): rename, or move under another parent (`null`: to the top). */
export const updateDepartmentBodySchema = z
  .object({ name: displayText(100).optional(), parentId: idSchema.nullable().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.parentId !== undefined, 'name a new name or a new parent');
export type UpdateDepartmentBody = z.infer<typeof updateDepartmentBodySchema>;
export const departmentParamsSchema = z.object({ id: idSchema }).strict();

/** Kana readings: hiragana or katakana, the prolonged sound mark, spaces. */
export const kanaSchema = displayText(100).regex(
  /^[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3000\s・ー]+$/,
  'must be written in kana',
);

export const createUserBodySchema = z
  .object({
    loginId: loginIdSchema,
    password: z.string().min(8, 'at least 8 characters').max(256),
    staffNo: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'letters, digits and - only'),
    name: displayText(100),
    nameKana: kanaSchema,
    departmentId: idSchema,
    role: roleSchema,
    title: displayText(100).optional(),
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const listUsersQuerySchema = z
  .object({
    departmentId: idSchema.optional(),
    q: z.string().trim().max(100).optional(),
    presence: presenceStateSchema.optional(),
  })
  .strict();
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export const userWithPresenceSchema = userSchema.extend({ presence: presenceSchema });
export type UserWithPresence = z.infer<typeof userWithPresenceSchema>;

export { passwordSchema };

/**
 * `GET /api/directory`: everyone and every department, without presence (presence travels by
 * `presence:watch`). `version` is also the response's ETag; it changes only when a user or a
 * department is written, so `If-None-Match` with the held version answers 304 otherwise.
 */
export const directoryListingSchema = z
  .object({ version: z.string(), users: z.array(userSchema), departments: z.array(departmentSchema) })
  .strict();
export type DirectoryListing = z.infer<typeof directoryListingSchema>;
