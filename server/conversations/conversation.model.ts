import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { CONVERSATION_KINDS } from '../../shared/schemas/conversations.js';

const conversationSchema = new Schema(
  {
    kind: { type: String, enum: CONVERSATION_KINDS, required: true },
    title: { type: String, default: '' },
    memberIds: { type: [Schema.Types.ObjectId], required: true, index: true },
    /**
     * Unique per conversation. For a dm it is `dm:<smaller id>:<larger id>`, so two concurrent
     * requests for the same pair end with one conversation; for the rest it is `<kind>:<own id>`.
     */
    key: { type: String, required: true, unique: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    /** Time of the latest message (or creation); orders the conversation list. */
    lastActivityAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    /**
     * Channels only: who may find and join it — `members` (nobody else), `department` (people of
     * `departmentId` and the departments below it) or `everyone`. Absent on older channels: `members`.
     */
    visibility: { type: String, enum: ['members', 'department', 'everyone'] },
    departmentId: { type: Schema.Types.ObjectId },
    /** The department's own channel (key `dept:<departmentId>`): its members follow the department. */
    departmentChannel: { type: Boolean },
    /** Meetings (server/meetings): set when the meeting ends; from then on nobody sends to it. */
    closedAt: { type: Date },
  },
  { collection: 'conversations' },
);

// The conversation list: a member's conversations by activity, then id (the paging cursor's order).
conversationSchema.index({ memberIds: 1, lastActivityAt: -1, _id: -1 });

// The channel list: channels by visibility (the rest of the filter is small).
conversationSchema.index({ kind: 1, visibility: 1 });

export type ConversationDoc = InferSchemaType<typeof conversationSchema> & { _id: Types.ObjectId };

export function conversationModel(conn: Connection): Model<ConversationDoc> {
  return (conn.models.Conversation as Model<ConversationDoc>) ?? conn.model<ConversationDoc>('Conversation', conversationSchema);
}
