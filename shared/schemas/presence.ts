import { z } from 'zod';
import { AVAILABILITIES, PRESENCE_STATES } from '../constants.js';
import { idSchema, isoTimeSchema } from './common.js';

export { AVAILABILITIES, PRESENCE_STATES };

export const presenceStateSchema = z.enum(PRESENCE_STATES);
export type PresenceState = z.infer<typeof presenceStateSchema>;

export const availabilitySchema = z.enum(AVAILABILITIES);
export type Availability = z.infer<typeof availabilitySchema>;

export const statusTextSchema = z
  .string()
  .trim()
  .max(100)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const presenceSchema = z.object({
  state: presenceStateSchema,
  availability: availabilitySchema,
  statusText: z.string().optional(),
  teleworkSince: isoTimeSchema.optional(),
  lastActiveAt: isoTimeSchema.optional(),
  /** Offline only: when the person was last connected (issue 11, the supervisor board). */
  lastSeenAt: isoTimeSchema.optional(),
});
export type Presence = z.infer<typeof presenceSchema>;

export const presenceSetPayloadSchema = z
  .object({ availability: availabilitySchema.optional(), statusText: statusTextSchema.optional() })
  .strict()
  .refine((p) => p.availability !== undefined || p.statusText !== undefined, {
    message: 'give availability or statusText',
  });
export type PresenceSetPayload = z.infer<typeof presenceSetPayloadSchema>;

export const presenceEventSchema = z.object({ userId: idSchema, presence: presenceSchema });
export type PresenceEvent = z.infer<typeof presenceEventSchema>;

/**
 * What the server sends as `presence`: the changes of one coalescing window that concern this
 * socket (the people it watches, and its own person), as one array.
 */
export const presenceBatchSchema = z.array(presenceEventSchema);
export type PresenceBatch = z.infer<typeof presenceBatchSchema>;

/** Most people a socket may watch at once (PROTOCOL.md `presence:watch`). */
export const PRESENCE_WATCH_MAX = 1000;

/** `presence:watch`: the whole set of people the client shows; it replaces the previous set. */
export const presenceWatchPayloadSchema = z
  .object({ userIds: z.array(idSchema).max(PRESENCE_WATCH_MAX) })
  .strict();
export type PresenceWatchPayload = z.infer<typeof presenceWatchPayloadSchema>;
