import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { AVAILABILITIES } from '../../shared/schemas/presence.js';

/** What a person set by hand: availability and a short status text. Survives restarts. */
const presenceSettingSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, unique: true },
    availability: { type: String, enum: AVAILABILITIES, required: true, default: 'available' },
    statusText: { type: String, default: '' },
    updatedAt: { type: Date, required: true },
    /**
     * The running meeting the person has joined (server/meetings tells us): availability shows
     * `in_meeting` while it is set and nothing else was set by hand. Not a hand setting.
     */
    meetingId: { type: Schema.Types.ObjectId },
    /** When the person's last connection closed (issue 11: the board shows it for those offline). Not a hand setting. */
    lastSeenAt: { type: Date },
  },
  { collection: 'presence_settings' },
);

presenceSettingSchema.index({ meetingId: 1 }, { sparse: true });

export type PresenceSettingDoc = InferSchemaType<typeof presenceSettingSchema> & { _id: Types.ObjectId };

export function presenceSettingModel(conn: Connection): Model<PresenceSettingDoc> {
  return (
    (conn.models.PresenceSetting as Model<PresenceSettingDoc>) ??
    conn.model<PresenceSettingDoc>('PresenceSetting', presenceSettingSchema)
  );
}
