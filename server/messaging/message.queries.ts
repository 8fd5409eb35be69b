import { Types, type Connection, type Model } from 'mongoose';
import type { Message } from '../../shared/schemas/conversations.js';
import { messageModel, type MessageDoc } from './message.model.js';

/** The wire form of a stored message. Built on every send: plain assignments, no spreads. */
export function toMessageDto(doc: MessageDoc): Message {
  const message: Message = {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    seq: doc.seq,
    senderId: doc.senderId.toHexString(),
    body: doc.deletedAt ? '' : doc.body,
    clientMsgId: doc.clientMsgId,
    createdAt: doc.createdAt.toISOString(),
    mentions: doc.mentions?.length ? doc.mentions.map((id) => id.toHexString()) : [],
  };
  if (doc.editedAt) message.editedAt = doc.editedAt.toISOString();
  if (doc.deletedAt) message.deletedAt = doc.deletedAt.toISOString();
  return message;
}

/**
 * Read-only questions about stored messages, for other capabilities (the conversation list).
 * Writes stay in MessagingService.
 */
export class MessageQueries {
  readonly messages: Model<MessageDoc>;

  constructor(conn: Connection) {
    this.messages = messageModel(conn);
  }

  /** The stored message with the highest seq: the truth about `lastSeq`, even after a crash. */
  async latest(conversationId: string): Promise<Message | null> {
    const doc = await this.messages
      .findOne({ conversationId: new Types.ObjectId(conversationId) })
      .sort({ seq: -1 })
      .lean<MessageDoc>();
    return doc ? toMessageDto(doc) : null;
  }

  /** Messages from others after the reader's mark. */
  async countUnread(conversationId: string, userId: string, afterSeq: number): Promise<number> {
    return this.messages.countDocuments({
      conversationId: new Types.ObjectId(conversationId),
      seq: { $gt: afterSeq },
      senderId: { $ne: new Types.ObjectId(userId) },
      deletedAt: { $exists: false },
    });
  }
}
