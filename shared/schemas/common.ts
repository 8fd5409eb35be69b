import { z } from 'zod';

/** Ids are strings: MongoDB ObjectIds as 24 hex characters. */
export const idSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** ISO-8601 UTC timestamp as the server sends it. */
export const isoTimeSchema = z.string();

/** Client-chosen transaction id of an outgoing message (a UUID or similar). */
export const clientMsgIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

/** Query strings arrive as text; turn "12" into 12 and refuse anything else. */
export const intFromQuery = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform((s) => Number(s))
    .pipe(z.number().int().min(min).max(max));
