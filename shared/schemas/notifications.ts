import { z } from 'zod';

/**
 * What brings up a desktop notification for one person (`GET/PUT /api/notification-settings`,
 * kept on the server so it follows the person to any terminal). `all` covers every message;
 * the others name kinds. Muted conversations never notify, whatever is chosen here.
 */
export const notificationSettingsSchema = z
  .object({
    dm: z.boolean(),
    mentions: z.boolean(),
    acks: z.boolean(),
    all: z.boolean(),
  })
  .strict();
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** A PUT may name only what changes. */
export const notificationSettingsPatchSchema = notificationSettingsSchema.partial().strict();
export type NotificationSettingsPatch = z.infer<typeof notificationSettingsPatchSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { dm: true, mentions: true, acks: true, all: false };
