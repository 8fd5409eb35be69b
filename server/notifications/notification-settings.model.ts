import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** What brings up a desktop notification for one person. One document per person who changed anything. */
const notificationSettingsSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    dm: { type: Boolean, required: true },
    mentions: { type: Boolean, required: true },
    acks: { type: Boolean, required: true },
    all: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'notificationsettings' },
);
// One settings document per person: two first saves at once end in one document (the upsert).
notificationSettingsSchema.index({ userId: 1 }, { unique: true });

export type NotificationSettingsDoc = InferSchemaType<typeof notificationSettingsSchema> & { _id: Types.ObjectId };

export function notificationSettingsModel(conn: Connection): Model<NotificationSettingsDoc> {
  return (
    (conn.models.NotificationSettings as Model<NotificationSettingsDoc>) ??
    conn.model<NotificationSettingsDoc>('NotificationSettings', notificationSettingsSchema)
  );
}
