import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * Two small collections of message actions, written only by actions.service.ts:
 * - `messagechanges`: one document per conversation whose messages have changed, holding its
 *   change counter (`changeSeq`), taken with one `$inc` per change (README.md, "The change cursor").
 * - `messageacks`: one document per confirmation of a 確認依頼 — a 500-member group's 499
 *   confirmations are 499 small documents, not a growing array on the message that every
 *   event would carry.
 */

const changeCounterSchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, changeSeq: { type: Number, required: true } },
  { collection: 'messagechanges', versionKey: false },
);
export interface ChangeCounterDoc {
  _id: Types.ObjectId;
  changeSeq: number;
}

const ackSchema = new Schema(
  {
    messageId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'messageacks', versionKey: false },
);
// One confirmation per person and message: a second `message:ack` is refused by the index (idempotent).
ackSchema.index({ messageId: 1, userId: 1 }, { unique: true });
export interface AckDoc {
  _id: Types.ObjectId;
  messageId: Types.ObjectId;
  conversationId: Types.ObjectId;
  userId: Types.ObjectId;
  at: Date;
}

export function changeCounterModel(conn: Connection): Model<ChangeCounterDoc> {
  return (conn.models.MessageChange as Model<ChangeCounterDoc>) ?? conn.model<ChangeCounterDoc>('MessageChange', changeCounterSchema);
}

export function ackModel(conn: Connection): Model<AckDoc> {
  return (conn.models.MessageAck as Model<AckDoc>) ?? conn.model<AckDoc>('MessageAck', ackSchema);
}
