import { SYSTEM_EVENT_TYPES } from '../../shared/schemas/conversations.js';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** What a system message records (someone left …); absent on people's messages. */
const systemEventSchema = new Schema(
  {
    type: { type: String, enum: SYSTEM_EVENT_TYPES, required: true },
    userIds: { type: [String], default: undefined },
    title: { type: String },
  },
  { _id: false },
);

const messageSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    senderId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, required: true },
    clientMsgId: { type: String, required: true },
    mentions: { type: [Schema.Types.ObjectId], default: [] },
    /** @全員: set (true) only when the sender mentioned everyone. */
    mentionsAll: { type: Boolean },
    createdAt: { type: Date, required: true },
    editedAt: { type: Date },
    deletedAt: { type: Date },
    system: { type: systemEventSchema, required: false },
  },
  { collection: 'messages' },
);
// The gap-free numbering rests on this: a seq can be taken by exactly one stored message.
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Idempotent sends rest on this: one stored message per sender and clientMsgId.
messageSchema.index({ senderId: 1, clientMsgId: 1 }, { unique: true });
// The mention badge (countMentionsMany) reads only messages that mention someone, or everyone:
// partial indexes hold just those, so the count costs what the mentions cost, not the history.
messageSchema.index({ mentions: 1, conversationId: 1, seq: 1 }, { partialFilterExpression: { 'mentions.0': { $exists: true } } });
messageSchema.index({ mentionsAll: 1, conversationId: 1, seq: 1 }, { partialFilterExpression: { mentionsAll: true } });

export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: Types.ObjectId };

export function messageModel(conn: Connection): Model<MessageDoc> {
  return (conn.models.Message as Model<MessageDoc>) ?? conn.model<MessageDoc>('Message', messageSchema);
}
