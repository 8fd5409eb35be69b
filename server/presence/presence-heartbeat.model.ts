import { Schema, type Connection, type Model } from 'mongoose';

/**
 * When this (single) process last said it was alive, every few seconds: after a crash, the next
 * start reads it to tell a blip (resume who was connected) from an outage longer than the grace
 * period (they have been offline since then). One document, `_id: 'presence'`.
 */
const presenceHeartbeatSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'presence_heartbeat', versionKey: false },
);

export interface PresenceHeartbeatDoc {
  _id: string;
  at: Date;
}

export function presenceHeartbeatModel(conn: Connection): Model<PresenceHeartbeatDoc> {
  return (
    (conn.models.PresenceHeartbeat as Model<PresenceHeartbeatDoc>) ??
    conn.model<PresenceHeartbeatDoc>('PresenceHeartbeat', presenceHeartbeatSchema)
  );
}
