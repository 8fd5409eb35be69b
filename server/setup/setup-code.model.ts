import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The one-time code that lets the first visitor create the first admin. At most one document
 * (`_id: 'first-admin'`); it exists only while the database has no admin, and it is deleted by
 * the request that uses it. Kept in the database so every server process prints and accepts the
 * same code.
 */
const setupCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'setup_codes', versionKey: false },
);

export interface SetupCodeDoc {
  _id: string;
  code: string;
  createdAt: Date;
}

export const FIRST_ADMIN = 'first-admin';

export function setupCodeModel(conn: Connection): Model<SetupCodeDoc> {
  return (conn.models.SetupCode as Model<SetupCodeDoc>) ?? conn.model<SetupCodeDoc>('SetupCode', setupCodeSchema);
}
