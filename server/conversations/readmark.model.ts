import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** How far a member has read a conversation (only ever raised, `$max`), and their mute/favourite. */
const readMarkSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true, default: 0 },
    /**
     * The member's own settings of the conversation (issue 9), kept here because every view of a
     * conversation already reads its read marks: no further round trip. Absent means false.
     */
    muted: { type: Boolean },
    favourite: { type: Boolean },
  },
  { collection: 'readmarks' },
);
readMarkSchema.index({ conversationId: 1, userId: 1 }, { unique: true });

export type ReadMarkDoc = InferSchemaType<typeof readMarkSchema> & { _id: Types.ObjectId };

export function readMarkModel(conn: Connection): Model<ReadMarkDoc> {
  return (conn.models.ReadMark as Model<ReadMarkDoc>) ?? conn.model<ReadMarkDoc>('ReadMark', readMarkSchema);
}
