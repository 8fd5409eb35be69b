import { z } from 'zod';
import { idSchema, intFromQuery } from './common.js';
import { roleSchema, userSchema } from './auth.js';
import { displayText, kanaSchema } from './directory.js';

/** Account lifecycle: administration of people's accounts, and everyone's own password and sessions. */

/** `GET /api/admin/users?q=&departmentId=&disabled=&role=&page=&pageSize=` (pageSize 1–200, default 50). */
export const adminUsersQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional(),
    departmentId: idSchema.optional(),
    disabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    /** Issue 11: the staff screen filters by role too. */
    role: roleSchema.optional(),
    page: intFromQuery(1, 100_000).optional(),
    pageSize: intFromQuery(1, 200).optional(),
  })
  .strict();
export type AdminUsersQuery = z.infer<typeof adminUsersQuerySchema>;

export const ADMIN_USERS_PAGE_SIZE = 50;

export const adminUsersPageSchema = z.object({
  users: z.array(userSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type AdminUsersPage = z.infer<typeof adminUsersPageSchema>;

/** `PATCH /api/admin/users/:id`: any of these; at least one. */
export const updateUserBodySchema = z
  .object({
    name: displayText(100).optional(),
    nameKana: kanaSchema.optional(),
    title: z.union([displayText(100), z.literal('')]).optional(),
    role: roleSchema.optional(),
    departmentId: idSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const userParamsSchema = z.object({ id: idSchema }).strict();
export const sessionParamsSchema = z.object({ id: idSchema }).strict();

/** `POST /api/auth/password` (everyone, their own). */
export const changePasswordBodySchema = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(8, 'at least 8 characters').max(256),
  })
  .strict();
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

/** One of the person's own sign-ins (`GET /api/auth/sessions`). */
export const sessionInfoSchema = z.object({
  id: idSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
