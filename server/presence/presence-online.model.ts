import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * Who is connected, one document per person while they have a connection (`_id` is the person):
 * written when they come online and removed when they go offline, in the coalesced push. Read only
 * at start, so that a restart counts them as connected for the grace period (presence.service.ts,
 * resumeAfterRestart). Kept apart from `presence_settings`, which every watch reads.
 */
const presenceOnlineSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    since: { type: Date, required: true },
  },
  { collection: 'presence_online', versionKey: false },
);

export interface PresenceOnlineDoc {
  _id: Types.ObjectId;
  since: Date;
}

export function presenceOnlineModel(conn: Connection): Model<PresenceOnlineDoc> {
  return (conn.models.PresenceOnline as Model<PresenceOnlineDoc>) ?? conn.model<PresenceOnlineDoc>('PresenceOnline', presenceOnlineSchema);
}
