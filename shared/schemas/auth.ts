import { z } from 'zod';
import { idSchema } from './common.js';

export const ROLES = ['staff', 'supervisor', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const loginIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export const passwordSchema = z.string().min(1).max(256);

export const loginBodySchema = z
  .object({ loginId: loginIdSchema, password: passwordSchema })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export const userSchema = z.object({
  id: idSchema,
  loginId: z.string(),
  staffNo: z.string(),
  name: z.string(),
  nameKana: z.string(),
  departmentId: idSchema,
  role: roleSchema,
  title: z.string().optional(),
  /** Present (true) only for a disabled account: it cannot sign in; its messages stay. */
  disabled: z.boolean().optional(),
  /** Present (true) after a password reset: every other request is refused until it is changed. */
  mustChangePassword: z.boolean().optional(),
});
export type User = z.infer<typeof userSchema>;

export const loginResponseSchema = z.object({ token: z.string(), user: userSchema });
export type LoginResponse = z.infer<typeof loginResponseSchema>;
