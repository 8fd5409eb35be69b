import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { ROLES } from '../../shared/schemas/auth.js';

const userSchema = new Schema(
  {
    loginId: { type: String, required: true, unique: true },
    staffNo: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    nameKana: { type: String, required: true },
    /** name, kana, login id and staff number, normalised (kana.ts) for `q` searches. */
    searchText: { type: String, required: true },
    departmentId: { type: Schema.Types.ObjectId, required: true, index: true },
    role: { type: String, enum: ROLES, required: true },
    title: { type: String },
    /** scrypt hash (auth/password.ts); never leaves the server. */
    passwordHash: { type: String, required: true },
    /** A disabled account cannot sign in and has no sessions; its messages stay. */
    disabled: { type: Boolean, default: false },
    /** Set by a password reset: the temporary password must be changed at the next sign-in. */
    mustChangePassword: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'users' },
);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export function userModel(conn: Connection): Model<UserDoc> {
  return (conn.models.User as Model<UserDoc>) ?? conn.model<UserDoc>('User', userSchema);
}
