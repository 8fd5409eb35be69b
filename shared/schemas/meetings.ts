/**
 * Quick text meetings (issue 10): the contract of `/api/meetings`, `/api/todos` and the `meeting:*`
 * socket events. A meeting is a conversation of kind `meeting` underneath (its messages go through
 * `message:send` as usual); this file holds what is particular to meetings.
 */
import { z } from 'zod';
import { MEETING_DURATIONS, MEETING_EXTENSIONS } from '../constants.js';
import { idSchema, isoTimeSchema, intFromQuery } from './common.js';
import { MAX_MEMBERS } from './conversations.js';

export { MEETING_DURATIONS, MEETING_EXTENSIONS };

export const MEETING_STATES = ['scheduled', 'running', 'ended'] as const;
export const meetingStateSchema = z.enum(MEETING_STATES);
export type MeetingState = z.infer<typeof meetingStateSchema>;

/** The longest a meeting may be scheduled ahead (「今週中」): 7 days. */
export const MEETING_MAX_AHEAD_DAYS = 7;
export const MAX_AGENDA_ITEMS = 20;

const lineText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const meetingTopicSchema = lineText(100);
export const agendaItemSchema = lineText(200);

/** One participant's attendance: each join opens a span, each leave (or the end) closes it. */
export const attendanceSpanSchema = z.object({ joinedAt: isoTimeSchema, leftAt: isoTimeSchema.optional() });
export const participantSchema = z.object({
  userId: idSchema,
  /** Spans in time order; empty for someone invited who never joined (an absentee). */
  spans: z.array(attendanceSpanSchema),
  /** Joined and not left since (the meeting view's 「出席中」, with their connection). */
  joined: z.boolean(),
});
export type Participant = z.infer<typeof participantSchema>;

export const meetingSchema = z.object({
  id: idSchema,
  /** The meeting's own conversation (kind `meeting`): send with `message:send` as usual. */
  conversationId: idSchema,
  topic: z.string(),
  /** The agenda items as given (PROTOCOL.md). */
  agenda: z.array(z.string()),
  /** Ticked off or not, one per agenda item, same order. */
  agendaDone: z.array(z.boolean()),
  hostId: idSchema,
  /** Everyone invited, the host included. */
  memberIds: z.array(idSchema),
  startsAt: isoTimeSchema,
  endsAt: isoTimeSchema,
  endedAt: isoTimeSchema.optional(),
  state: meetingStateSchema,
  durationMin: z.number().int().positive(),
  /** Where it was started from: the summary message is posted there at the end. */
  fromConversationId: idSchema.optional(),
  participants: z.array(participantSchema),
  createdAt: isoTimeSchema,
});
export type Meeting = z.infer<typeof meetingSchema>;

export const createMeetingBodySchema = z
  .object({
    topic: meetingTopicSchema,
    /** The others invited (the caller is the host and always a member). */
    memberIds: z.array(idSchema).max(MAX_MEMBERS),
    durationMin: z.number().int().refine((n) => (MEETING_DURATIONS as readonly number[]).includes(n), {
      message: `one of ${MEETING_DURATIONS.join(', ')}`,
    }),
    agenda: z.array(agendaItemSchema).max(MAX_AGENDA_ITEMS).optional(),
    fromConversationId: idSchema.optional(),
    /** Absent: now. Else within MEETING_MAX_AHEAD_DAYS from now (a moment in the past is `bad_request`). */
    startsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type CreateMeetingBody = z.infer<typeof createMeetingBodySchema>;

export const extendMeetingBodySchema = z
  .object({
    minutes: z.number().int().refine((n) => (MEETING_EXTENSIONS as readonly number[]).includes(n), {
      message: `one of ${MEETING_EXTENSIONS.join(', ')}`,
    }),
  })
  .strict();

export const agendaTickBodySchema = z.object({ index: z.number().int().min(0).max(MAX_AGENDA_ITEMS - 1), done: z.boolean() }).strict();

export const listMeetingsQuerySchema = z
  .object({
    state: meetingStateSchema.optional(),
    /** Matches the topic (normalised: NFKC, case, kana) or a participant's name or kana reading. */
    q: z.string().trim().max(100).optional(),
    page: intFromQuery(1, 10_000).optional(),
  })
  .strict();

// ---- Marks: 決定事項 and ToDo -------------------------------------------------------------------

export const MARK_KINDS = ['decision', 'todo'] as const;
/** A calendar date `YYYY-MM-DD` (Asia/Tokyo). */
export const dateOnlySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const meetingMarkSchema = z.object({
  id: idSchema,
  meetingId: idSchema,
  messageId: idSchema,
  /** The marked message's seq and text as it is now (empty once taken back). */
  seq: z.number().int().positive(),
  body: z.string(),
  kind: z.enum(MARK_KINDS),
  /** ToDo only: a participant of the meeting. */
  assigneeId: idSchema.optional(),
  dueDate: dateOnlySchema.optional(),
  done: z.boolean().optional(),
  doneAt: isoTimeSchema.optional(),
  createdBy: idSchema,
  createdAt: isoTimeSchema,
});
export type MeetingMark = z.infer<typeof meetingMarkSchema>;

export const createMarkBodySchema = z
  .object({
    messageId: idSchema,
    kind: z.enum(MARK_KINDS),
    assigneeId: idSchema.optional(),
    dueDate: dateOnlySchema.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'todo' && !b.assigneeId) ctx.addIssue({ code: 'custom', path: ['assigneeId'], message: 'a ToDo needs an assignee' });
    if (b.kind === 'decision' && (b.assigneeId || b.dueDate)) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'a decision has no assignee or due date' });
    }
  });

/** 「自分のToDo」: a ToDo with where it came from. */
export const todoSchema = meetingMarkSchema.extend({ meetingTopic: z.string(), conversationId: idSchema });
export type Todo = z.infer<typeof todoSchema>;
export const todoPatchBodySchema = z.object({ done: z.boolean() }).strict();
export const listTodosQuerySchema = z.object({ done: z.enum(['true', 'false']).optional() }).strict();

// ---- Minutes (議事録) ----------------------------------------------------------------------------

export const minutesFormatSchema = z.object({ format: z.enum(['md', 'csv', 'json']).optional() }).strict();

export const minutesSchema = z.object({
  meeting: meetingSchema,
  title: z.string(),
  /** Asia/Tokyo, e.g. 2026-12-04 10:00–10:15 */
  dateText: z.string(),
  host: z.object({ userId: idSchema, name: z.string() }),
  attendees: z.array(
    z.object({ userId: idSchema, name: z.string(), spans: z.array(attendanceSpanSchema) }),
  ),
  absentees: z.array(z.object({ userId: idSchema, name: z.string() })),
  agenda: z.array(z.object({ text: z.string(), done: z.boolean() })),
  decisions: z.array(meetingMarkSchema),
  todos: z.array(meetingMarkSchema.extend({ assigneeName: z.string() })),
  transcript: z.array(
    z.object({ seq: z.number().int().positive(), at: isoTimeSchema, senderId: idSchema, senderName: z.string(), body: z.string(), system: z.boolean().optional() }),
  ),
});
export type Minutes = z.infer<typeof minutesSchema>;

// ---- Socket events (server → client) ------------------------------------------------------------

/** To the invitees' connections (not the host's): show the invitation with 「参加する」/「後で」. */
export const meetingInvitedEventSchema = z.object({ meeting: meetingSchema, invitedBy: idSchema });
/** To every member's connections: the meeting changed (started, joined, left, extended, agenda, ended). */
export const meetingUpdatedEventSchema = z.object({ meeting: meetingSchema });
/** To every member's connections, once (decided in the database): one minute is left. */
export const meetingWarningEventSchema = z.object({ meetingId: idSchema, endsAt: isoTimeSchema });
/** To every member's connections: a mark was added, changed (ToDo done) or removed. */
export const meetingMarkEventSchema = z.object({ mark: meetingMarkSchema, removed: z.boolean().optional() });
export type MeetingInvitedEvent = z.infer<typeof meetingInvitedEventSchema>;
export type MeetingWarningEvent = z.infer<typeof meetingWarningEventSchema>;
export type MeetingMarkEvent = z.infer<typeof meetingMarkEventSchema>;
