import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * A start refused `license_exhausted`: kept so the licence report can say how often people were
 * turned away (the pool's size is a budget decision). Written only by the telework service.
 */
const licenceRefusalSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true, index: true },
    source: { type: String, enum: ['self', 'gateway'], required: true },
  },
  { collection: 'licence_refusals' },
);

export type LicenceRefusalDoc = InferSchemaType<typeof licenceRefusalSchema> & { _id: Types.ObjectId };

export function licenceRefusalModel(conn: Connection): Model<LicenceRefusalDoc> {
  return (
    (conn.models.LicenceRefusal as Model<LicenceRefusalDoc>) ??
    conn.model<LicenceRefusalDoc>('LicenceRefusal', licenceRefusalSchema)
  );
}
