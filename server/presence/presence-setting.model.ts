import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { AVAILABILITIES } from '../../shared/schemas/presence.js';

/** What a person set by hand: availability and a short status text. Survives restarts. */
const presenceSettingSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, unique: true },
    availability: { type: String, enum: AVAILABILITIES, required: true, default: 'available' },
    statusText: { type: String, default: '' },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'presence_settings' },
);

export type PresenceSettingDoc = InferSchemaType<typeof presenceSettingSchema> & { _id: Types.ObjectId };

export function presenceSettingModel(conn: Connection): Model<PresenceSettingDoc> {
  return (
    (conn.models.PresenceSetting as Model<PresenceSettingDoc>) ??
    conn.model<PresenceSettingDoc>('PresenceSetting', presenceSettingSchema)
  );
}
