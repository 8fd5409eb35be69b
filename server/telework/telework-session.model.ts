import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { END_REASONS } from '../../shared/schemas/telework.js';

/**
 * A telework session. Two unique keys carry the rules, so they hold across processes:
 * - `activeKey` is `user:<userId>` while active: one active session per person;
 * - `slotKey` is `slot:<n>` (n < capacity) while active: one licence per active session.
 * When a session ends both become `ended:<sessionId>`, freeing the person and the licence.
 * Ended sessions are kept for reports.
 */
const teleworkSessionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    startedAt: { type: Date, required: true },
    lastHeartbeatAt: { type: Date, required: true },
    /** Heartbeats received so far: the sweep times sessions out by watching this count stand still. */
    beats: { type: Number, default: 0 },
    endedAt: { type: Date },
    endReason: { type: String, enum: END_REASONS },
    source: { type: String, enum: ['self', 'gateway'], required: true },
    active: { type: Boolean, required: true, index: true },
    activeKey: { type: String, required: true, unique: true },
    slotKey: { type: String, required: true, unique: true },
  },
  { collection: 'telework_sessions' },
);
// Reports read the sessions overlapping a range: those started before its end (and not ended before its start).
teleworkSessionSchema.index({ startedAt: 1 });

export type TeleworkSessionDoc = InferSchemaType<typeof teleworkSessionSchema> & { _id: Types.ObjectId };

export function teleworkSessionModel(conn: Connection): Model<TeleworkSessionDoc> {
  return (
    (conn.models.TeleworkSession as Model<TeleworkSessionDoc>) ??
    conn.model<TeleworkSessionDoc>('TeleworkSession', teleworkSessionSchema)
  );
}
