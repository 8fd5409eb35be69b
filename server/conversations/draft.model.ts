import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * A person's unsent text in one conversation, kept on the server so that it survives a reload and
 * follows the person to another terminal without anything being stored in the browser. One per
 * (user, conversation); an empty draft is deleted, not stored.
 */
const draftSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'drafts' },
);
draftSchema.index({ userId: 1, conversationId: 1 }, { unique: true });

export type DraftDoc = InferSchemaType<typeof draftSchema> & { _id: Types.ObjectId };

export function draftModel(conn: Connection): Model<DraftDoc> {
  return (conn.models.Draft as Model<DraftDoc>) ?? conn.model<DraftDoc>('Draft', draftSchema);
}
