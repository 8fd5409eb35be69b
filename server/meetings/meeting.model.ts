import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { MEETING_STATES } from '../../shared/schemas/meetings.js';

/** One join or leave, in the order they happened: attendance spans are derived from these. */
const attendanceSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    kind: { type: String, enum: ['join', 'leave'], required: true },
  },
  { _id: false },
);

const agendaItemSchema = new Schema({ text: { type: String, required: true }, done: { type: Boolean, required: true } }, { _id: false });

/**
 * A quick text meeting. Its state moves only forwards (scheduled → running → ended), each step a
 * conditional update on the state, so whichever request or process makes it first is the one that
 * does the step's side effects (see README.md).
 */
const meetingSchema = new Schema(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    topic: { type: String, required: true },
    /** The topic normalised for search (NFKC, lower case, katakana → hiragana, no spaces). */
    topicSearch: { type: String, required: true },
    agenda: { type: [agendaItemSchema], default: [] },
    hostId: { type: Schema.Types.ObjectId, required: true },
    /** Everyone invited, the host first. */
    memberIds: { type: [Schema.Types.ObjectId], required: true },
    state: { type: String, enum: MEETING_STATES, required: true },
    durationMin: { type: Number, required: true },
    startsAt: { type: Date, required: true },
    /** The end of the time box: moved by each extension. The database holds it, so a restart keeps it. */
    endsAt: { type: Date, required: true },
    endedAt: { type: Date },
    fromConversationId: { type: Schema.Types.ObjectId },
    /** Who is joined now (while running): a join adds, a leave removes, atomically with `attendance`. */
    joinedIds: { type: [Schema.Types.ObjectId], default: [] },
    attendance: { type: [attendanceSchema], default: [] },
    /** The `endsAt` the one-minute warning was sent for: at most one warning per end time. */
    warnedForEndsAt: { type: Date },
    /**
     * Set by the end that won, until its notices (read-only, presence, end message, summary) are
     * done: if that process dies first, a sweep takes the lease over once it runs out and redoes them.
     */
    wrapUpUntil: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { collection: 'meetings' },
);

// The sweep: scheduled meetings by start, running ones by end (one indexed read per second).
meetingSchema.index({ state: 1, startsAt: 1 });
meetingSchema.index({ state: 1, endsAt: 1 });
meetingSchema.index({ wrapUpUntil: 1 }, { sparse: true });
// A person's meetings, latest first.
meetingSchema.index({ memberIds: 1, startsAt: -1 });

export type MeetingDoc = InferSchemaType<typeof meetingSchema> & { _id: Types.ObjectId };

export function meetingModel(conn: Connection): Model<MeetingDoc> {
  return (conn.models.Meeting as Model<MeetingDoc>) ?? conn.model<MeetingDoc>('Meeting', meetingSchema);
}
