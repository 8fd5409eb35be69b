import { SYSTEM_EVENT_TYPES } from '../../shared/schemas/conversations.js';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import type { StoredFileInfo } from '../files/file.model.js';

/** What a system message records (someone left …); absent on people's messages. */
const systemEventSchema = new Schema(
  {
    type: { type: String, enum: SYSTEM_EVENT_TYPES, required: true },
    userIds: { type: [String], default: undefined },
    title: { type: String },
    meetingId: { type: String },
    minutes: { type: Number },
  },
  { _id: false },
);

export const messageSchema = new Schema(
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
// Catch-up of changed messages: those of a conversation changed after a client's change cursor.
// Partial: only messages that ever changed are in it, so a plain send maintains no entry here.
messageSchema.index({ conversationId: 1, changeSeq: 1 }, { partialFilterExpression: { changeSeq: { $exists: true } } });
// Replies to a message, whose quotes follow its edits and take-back.
messageSchema.index({ 'replyTo.id': 1 }, { sparse: true });
// Search (server/search): a conversation's messages by n-gram, newest first. A search across the
// caller's conversations gives the conversation ids as $in points, each a run already in _id order
// that the database merges (mongod's SORT_MERGE), so no search sorts its candidates.
messageSchema.index({ conversationId: 1, searchGrams: 1, _id: -1 });
// A conversation's pinned messages.
messageSchema.index({ conversationId: 1, pinnedAt: -1 }, { partialFilterExpression: { pinnedAt: { $exists: true } } });

/**
 * Fields of message actions (README.md, "Message actions"), written only with the driver by
 * actions.service.ts and messaging.service.ts; typed here rather than declared to mongoose, which
 * never builds or casts message documents.
 */
export interface MessageActionFields {
  /** Earlier texts, for the record (admins' export); never sent to clients. */
  edits?: { body: string; at: Date }[];
  /** The text of a taken-back message, for the record; never sent to clients (`body` is then ''). */
  takenBackBody?: string;
  replyTo?: { id: Types.ObjectId; seq: number; senderId: Types.ObjectId; body: string; deletedAt?: Date };
  /** (reaction, person) pairs, in the order they were added; the DTO groups them by reaction. */
  reactions?: { r: string; u: Types.ObjectId }[];
  pinnedAt?: Date;
  pinnedBy?: Types.ObjectId;
  ackRequested?: boolean;
  /** Confirmations so far; the confirmations themselves are in `messageacks`. */
  ackCount?: number;
  /** The sender's last reminder (one per ACK_REMIND_INTERVAL_S). */
  remindedAt?: Date;
  /** The conversation's change counter at this message's latest change (`messagechanges`). */
  changeSeq?: number;
  /** Attached files (server/files), a snapshot taken at send. */
  files?: StoredFileInfo[];
  /** The files of a taken-back message, for the record; never sent to clients. */
  takenBackFiles?: StoredFileInfo[];
  /** Search fields (server/search/search-fields.ts); absent on system and taken-back messages. */
  searchText?: string;
  searchGrams?: string[];
  searchFileText?: string;
  searchFileGrams?: string[];
}

/** Leaves out the search fields: reads of messages for display never need them (a few KB each). */
export const WITHOUT_SEARCH_FIELDS = { searchText: 0, searchGrams: 0, searchFileText: 0, searchFileGrams: 0 } as const;

export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: Types.ObjectId } & MessageActionFields;

export function messageModel(conn: Connection): Model<MessageDoc> {
  return (conn.models.Message as Model<MessageDoc>) ?? conn.model<MessageDoc>('Message', messageSchema);
}
