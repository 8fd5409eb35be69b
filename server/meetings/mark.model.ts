import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { MARK_KINDS } from '../../shared/schemas/meetings.js';

/** A message of a meeting marked as 決定事項 (decision) or ToDo (with an assignee). */
const markSchema = new Schema(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, enum: MARK_KINDS, required: true },
    assigneeId: { type: Schema.Types.ObjectId },
    /** `YYYY-MM-DD`, a calendar date in Asia/Tokyo. */
    dueDate: { type: String },
    done: { type: Boolean },
    doneAt: { type: Date },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'meeting_marks' },
);

// A meeting's marks in order.
markSchema.index({ meetingId: 1, createdAt: 1 });
// One mark of a kind per message (and assignee, for ToDos): a second is `conflict`.
markSchema.index({ messageId: 1, kind: 1, assigneeId: 1 }, { unique: true });
// 「自分のToDo」: a person's ToDos, open ones first asked.
markSchema.index({ assigneeId: 1, done: 1, createdAt: -1 }, { sparse: true });

export type MarkDoc = InferSchemaType<typeof markSchema> & { _id: Types.ObjectId };

export function markModel(conn: Connection): Model<MarkDoc> {
  return (conn.models.MeetingMark as Model<MarkDoc>) ?? conn.model<MarkDoc>('MeetingMark', markSchema);
}
