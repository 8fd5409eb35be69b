import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { TRANSFER_STATES } from '../../shared/schemas/transfers.js';

/** One person's scheduled department change. */
const transferSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    fromDepartmentId: { type: Schema.Types.ObjectId, required: true },
    toDepartmentId: { type: Schema.Types.ObjectId, required: true },
    /** `YYYY-MM-DD` (Asia/Tokyo); strings of this form sort as dates do. */
    effectiveDate: { type: String, required: true },
    note: { type: String },
    state: { type: String, enum: TRANSFER_STATES, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    appliedAt: { type: Date },
  },
  { collection: 'transfers', versionKey: false },
);
// The sweep asks for pending transfers due by today; the list shows them by date.
transferSchema.index({ state: 1, effectiveDate: 1 });
transferSchema.index({ userId: 1, state: 1 });

export interface TransferDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  fromDepartmentId: Types.ObjectId;
  toDepartmentId: Types.ObjectId;
  effectiveDate: string;
  note?: string;
  state: (typeof TRANSFER_STATES)[number];
  createdBy: Types.ObjectId;
  createdAt: Date;
  appliedAt?: Date;
}

export function transferModel(conn: Connection): Model<TransferDoc> {
  return (conn.models.Transfer as Model<TransferDoc>) ?? conn.model<TransferDoc>('Transfer', transferSchema);
}
