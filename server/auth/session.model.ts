import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** A sign-in. Only the SHA-256 of the token is stored, so a database dump reveals no live token. */
const sessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
    /** Where and with what it signed in, so the person can tell their sessions apart. */
    ip: { type: String },
    userAgent: { type: String },
    // MongoDB removes expired sessions by itself (TTL index); they are refused before that anyway.
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  },
  { collection: 'sessions' },
);

export type SessionDoc = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId };

export function sessionModel(conn: Connection): Model<SessionDoc> {
  return (conn.models.Session as Model<SessionDoc>) ?? conn.model<SessionDoc>('Session', sessionSchema);
}
