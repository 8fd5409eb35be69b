import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A day someone plans to telework (one document per person and day). */
const teleworkPlanSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    /** `YYYY-MM-DD`, Asia/Tokyo; strings of this form sort as dates do. */
    date: { type: String, required: true },
    note: { type: String },
    sameDay: { type: Boolean },
    createdAt: { type: Date, required: true },
  },
  { collection: 'telework_plans', versionKey: false },
);
// One plan per person and day (registering again replaces the note); the board asks by day.
teleworkPlanSchema.index({ userId: 1, date: 1 }, { unique: true });
teleworkPlanSchema.index({ date: 1 });

export interface TeleworkPlanDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  date: string;
  note?: string;
  sameDay?: boolean;
  createdAt: Date;
}

export function teleworkPlanModel(conn: Connection): Model<TeleworkPlanDoc> {
  return (conn.models.TeleworkPlan as Model<TeleworkPlanDoc>) ?? conn.model<TeleworkPlanDoc>('TeleworkPlan', teleworkPlanSchema);
}
