import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** How far a member has read a conversation. Only ever raised (`$max`). */
const readMarkSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'readmarks' },
);
readMarkSchema.index({ conversationId: 1, userId: 1 }, { unique: true });

export type ReadMarkDoc = InferSchemaType<typeof readMarkSchema> & { _id: Types.ObjectId };

export function readMarkModel(conn: Connection): Model<ReadMarkDoc> {
  return (conn.models.ReadMark as Model<ReadMarkDoc>) ?? conn.model<ReadMarkDoc>('ReadMark', readMarkSchema);
}
