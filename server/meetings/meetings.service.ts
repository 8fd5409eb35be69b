import { Types, type Connection, type Model } from 'mongoose';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import { MAX_BODY_CHARS } from '../../shared/constants.js';
import {
  MEETING_MAX_AHEAD_DAYS,
  type CreateMeetingBody,
  type Meeting,
  type MeetingMark,
  type Minutes,
  type Participant,
  type Todo,
} from '../../shared/schemas/meetings.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { isDatabaseUnavailable, isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { normalizeForSearch } from '../directory/kana.js';
import type { Limiters } from '../lib/limiter.js';
import { log } from '../log.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import { toMessageDto } from '../messaging/message.queries.js';
import type { MessageDoc } from '../messaging/message.model.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { PresenceService } from '../presence/presence.service.js';
import type { Realtime } from '../realtime.js';
import { markModel, type MarkDoc } from './mark.model.js';
import { meetingModel, type MeetingDoc } from './meeting.model.js';
import { buildMinutes } from './minutes.js';

const oid = (id: string) => new Types.ObjectId(id);
const MINUTE = 60_000;
/** The warning comes this long before the end. */
const WARN_BEFORE_MS = MINUTE;
/** How long the process that ended a meeting has to finish its notices before another redoes them. */
const WRAP_UP_LEASE_MS = 30_000;
const PAGE_SIZE = 50;
/** The transcript of the minutes: more than any time-boxed meeting holds (60 min + extensions). */
const MAX_TRANSCRIPT = 10_000;

/**
 * Quick text meetings (issue 10). The only writer of `meetings` and `meeting_marks`. A meeting is a
 * conversation of kind `meeting` underneath (ConversationsService creates and closes it;
 * MessagingService stores its messages). Every state step is a conditional update in the database:
 * the request or process whose update matched is the one that does the step's side effects. See
 * README.md beside this file.
 */
export class MeetingsService {
  private readonly meetings: Model<MeetingDoc>;
  private readonly marks: Model<MarkDoc>;
  private readonly createRate: RateLimiterAbstract;

  constructor(
    conn: Connection,
    private readonly config: Config,
    private readonly conversations: ConversationsService,
    private readonly messaging: MessagingService,
    private readonly messageQueries: MessageQueries,
    private readonly directory: DirectoryService,
    private readonly presence: PresenceService,
    private readonly realtime: Realtime,
    private readonly clock: Clock,
    limiters: Limiters,
  ) {
    this.meetings = meetingModel(conn);
    this.marks = markModel(conn);
    // A meeting creates a conversation: it counts like one.
    this.createRate = limiters.create({
      name: 'meeting:create',
      points: config.CONVERSATION_CREATE_LIMIT,
      durationS: config.CONVERSATION_CREATE_WINDOW_S,
    });
  }

  async init(): Promise<void> {
    await Promise.all([this.meetings.createIndexes(), this.marks.createIndexes()]);
  }

  // ── check ───────────────────────────────────────────────────

  /** The meeting, if the user is one of its participants (everyone invited): 404 none, 403 not theirs. */
  private async requireParticipant(meetingId: string, userId: string): Promise<MeetingDoc> {
    const doc = await this.meetings.findById(meetingId).lean<MeetingDoc>();
    if (!doc) throw new AppError('not_found', 'meeting not found');
    if (!doc.memberIds.some((id) => id.toString() === userId)) throw new AppError('forbidden', 'you are not a participant of this meeting');
    return doc;
  }

  /**
   * Ending and extending: the host, a supervisor of the host's department or one above it (the
   * overview rule), or an admin — who must also be a participant (only participants touch a meeting).
   */
  private async requireModerator(user: User, doc: MeetingDoc): Promise<void> {
    const hostId = doc.hostId.toString();
    if (user.id === hostId || user.role === 'admin') return;
    if (user.role === 'supervisor') {
      const host = await this.directory.getUser(hostId).catch(() => null);
      if (host && (await this.directory.ancestorIds(host.departmentId)).includes(user.departmentId)) return;
    }
    throw new AppError('forbidden', 'only the host (or a supervisor of the host) can end or extend this meeting');
  }

  private async checkCreate(host: User, input: CreateMeetingBody, now: Date): Promise<{ memberIds: string[]; startsAt: Date; startNow: boolean }> {
    const others = [...new Set(input.memberIds)].filter((id) => id !== host.id);
    if (others.length === 0) throw new AppError('bad_request', 'invite at least one other person');
    if (others.length + 1 > this.config.MAX_GROUP_MEMBERS) {
      throw new AppError('bad_request', `a meeting has at most ${this.config.MAX_GROUP_MEMBERS} participants, you included`);
    }
    let startsAt = now;
    let startNow = true;
    if (input.startsAt !== undefined) {
      const at = new Date(input.startsAt);
      // A minute's grace: "now" picked in the dialog reaches the server a moment later.
      if (at.getTime() < now.getTime() - MINUTE) throw new AppError('bad_request', 'startsAt is in the past');
      if (at.getTime() > now.getTime() + MEETING_MAX_AHEAD_DAYS * 24 * 60 * MINUTE) {
        throw new AppError('bad_request', `startsAt is more than ${MEETING_MAX_AHEAD_DAYS} days ahead`);
      }
      if (at > now) {
        startsAt = at;
        startNow = false;
      }
    }
    if (input.fromConversationId) await this.conversations.requireMember(input.fromConversationId, host.id);
    const found = await this.directory.existingUserIds(others);
    if (found.size !== others.length) throw new AppError('not_found', 'a participant does not exist');
    return { memberIds: [host.id, ...others], startsAt, startNow };
  }

  // ── do: the meeting ─────────────────────────────────────────

  /**
   * Starts (or schedules) a meeting: its conversation with everyone invited, then the meeting,
   * then the record (invited; started and the host joined when it starts now) and the invitations.
   */
  async create(host: User, input: CreateMeetingBody): Promise<Meeting> {
    const now = this.clock();
    const { memberIds, startsAt, startNow } = await this.checkCreate(host, input, now);
    await this.createRate.consume(host.id).catch(() => {
      throw new AppError('rate_limited', 'you are starting meetings too fast; wait a while');
    });
    const _id = new Types.ObjectId();
    const conversationId = new Types.ObjectId();
    const meetingId = _id.toHexString();
    await this.conversations.createMeetingConversation({ _id: conversationId, meetingId, hostId: host.id, memberIds, title: input.topic, at: now });
    const doc: MeetingDoc = {
      _id,
      conversationId,
      topic: input.topic,
      topicSearch: normalizeForSearch(input.topic),
      agenda: (input.agenda ?? []).map((text) => ({ text, done: false })),
      hostId: oid(host.id),
      memberIds: memberIds.map(oid),
      state: startNow ? 'running' : 'scheduled',
      durationMin: input.durationMin,
      startsAt,
      endsAt: new Date(startsAt.getTime() + input.durationMin * MINUTE),
      ...(input.fromConversationId ? { fromConversationId: oid(input.fromConversationId) } : {}),
      // Starting now, the host is in it from the first moment.
      joinedIds: startNow ? [oid(host.id)] : [],
      attendance: startNow ? [{ userId: oid(host.id), at: now, kind: 'join' as const }] : [],
      createdAt: now,
    } as MeetingDoc;
    await this.meetings.create(doc);
    const meeting = toMeeting(doc);
    const others = memberIds.slice(1);
    const conv = conversationId.toHexString();
    await this.messaging.sendSystem(conv, host.id, { type: 'meeting_invited', userIds: others, meetingId }, memberIds);
    if (startNow) {
      await this.messaging.sendSystem(conv, host.id, { type: 'meeting_started', meetingId }, memberIds, { onceKey: `meeting-started:${meetingId}` });
      await this.messaging.sendSystem(conv, host.id, { type: 'meeting_joined', userIds: [host.id], meetingId }, memberIds);
      await this.presence.setMeeting(host.id, meetingId);
    }
    this.realtime.toUsers(others).emit('meeting:invited', { meeting, invitedBy: host.id });
    this.realtime.toUsers([host.id]).emit('meeting:updated', { meeting });
    return meeting;
  }

  /** The caller joins a running meeting (already joined: nothing changes). Scheduled or ended: `conflict`. */
  async join(user: User, meetingId: string): Promise<Meeting> {
    const doc = await this.requireParticipant(meetingId, user.id);
    const uid = oid(user.id);
    const after = await this.meetings
      .findOneAndUpdate(
        { _id: doc._id, state: 'running', joinedIds: { $ne: uid } },
        { $addToSet: { joinedIds: uid }, $push: { attendance: { userId: uid, at: this.clock(), kind: 'join' } } },
        { returnDocument: 'after' },
      )
      .lean<MeetingDoc>();
    if (!after) {
      const now = await this.meetings.findById(doc._id).lean<MeetingDoc>();
      if (now?.state === 'running' && now.joinedIds.some((id) => id.equals(uid))) return toMeeting(now);
      throw new AppError('conflict', now?.state === 'scheduled' ? 'this meeting has not started yet' : 'this meeting has ended');
    }
    await this.presence.setMeeting(user.id, meetingId);
    await this.record(after, user.id, { type: 'meeting_joined', userIds: [user.id] });
    return this.tell(after);
  }

  /** The caller leaves (anyone may; not joined, or already ended: nothing changes). */
  async leave(user: User, meetingId: string): Promise<Meeting> {
    const doc = await this.requireParticipant(meetingId, user.id);
    const uid = oid(user.id);
    const after = await this.meetings
      .findOneAndUpdate(
        { _id: doc._id, state: 'running', joinedIds: uid },
        { $pull: { joinedIds: uid }, $push: { attendance: { userId: uid, at: this.clock(), kind: 'leave' } } },
        { returnDocument: 'after' },
      )
      .lean<MeetingDoc>();
    if (!after) return toMeeting((await this.meetings.findById(doc._id).lean<MeetingDoc>()) ?? doc);
    await this.presence.setMeeting(user.id, null, meetingId);
    await this.record(after, user.id, { type: 'meeting_left', userIds: [user.id] });
    return this.tell(after);
  }

  /**
   * Moves the end of a running meeting `minutes` later (host or supervisor). Only while time is
   * left: at zero the meeting ends. The update matches the end time read, so two extensions at once
   * both count, each on top of the other.
   */
  async extend(user: User, meetingId: string, minutes: number): Promise<Meeting> {
    let doc = await this.requireParticipant(meetingId, user.id);
    await this.requireModerator(user, doc);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (doc.state !== 'running') throw new AppError('conflict', doc.state === 'ended' ? 'this meeting has ended' : 'this meeting has not started yet');
      if (doc.endsAt.getTime() <= this.clock().getTime()) throw new AppError('conflict', 'this meeting has reached its end');
      const after = await this.meetings
        .findOneAndUpdate(
          { _id: doc._id, state: 'running', endsAt: doc.endsAt },
          { $set: { endsAt: new Date(doc.endsAt.getTime() + minutes * MINUTE) } },
          { returnDocument: 'after' },
        )
        .lean<MeetingDoc>();
      if (after) {
        await this.record(after, user.id, { type: 'meeting_extended', minutes });
        return this.tell(after);
      }
      const again = await this.meetings.findById(doc._id).lean<MeetingDoc>();
      if (!again) throw new AppError('not_found', 'meeting not found');
      doc = again;
    }
    throw new AppError('conflict', 'the meeting changed meanwhile; try again');
  }

  /** Ends a meeting now (host or supervisor); a scheduled one is called off. Already ended: `conflict`. */
  async end(user: User, meetingId: string): Promise<Meeting> {
    const doc = await this.requireParticipant(meetingId, user.id);
    await this.requireModerator(user, doc);
    const ended = await this.finish(doc._id, this.clock(), { actorId: user.id });
    if (!ended) throw new AppError('conflict', 'this meeting has already ended');
    return toMeeting(ended);
  }

  /** Ticks an agenda item off (or back on); any participant, until the end. */
  async tickAgenda(user: User, meetingId: string, index: number, done: boolean): Promise<Meeting> {
    const doc = await this.requireParticipant(meetingId, user.id);
    if (index >= doc.agenda.length) throw new AppError('bad_request', 'no such agenda item');
    const after = await this.meetings
      .findOneAndUpdate({ _id: doc._id, state: { $ne: 'ended' } }, { $set: { [`agenda.${index}.done`]: done } }, { returnDocument: 'after' })
      .lean<MeetingDoc>();
    if (!after) throw new AppError('conflict', 'this meeting has ended');
    return this.tell(after);
  }

  // ── do: the clock's steps (scheduler.ts runs them in every process) ──

  /**
   * One pass over what is due at `now`: scheduled meetings to start, running ones to warn or end,
   * ended ones whose notices were left unfinished (their process died). One indexed read; every
   * step is then a conditional update, and only the process whose update matched acts, so several
   * processes sweeping at once do each step exactly once.
   */
  async sweep(now: Date = this.clock()): Promise<void> {
    const due = await this.meetings
      .find(
        {
          $or: [
            { state: 'scheduled', startsAt: { $lte: now } },
            { state: 'running', endsAt: { $lte: new Date(now.getTime() + WARN_BEFORE_MS) } },
            { state: 'ended', wrapUpUntil: { $lte: now } },
          ],
        },
        { _id: 1, state: 1, startsAt: 1, endsAt: 1, warnedForEndsAt: 1 },
      )
      .limit(500)
      .lean<Pick<MeetingDoc, '_id' | 'state' | 'startsAt' | 'endsAt' | 'warnedForEndsAt'>[]>();
    for (const m of due) {
      try {
        if (m.state === 'scheduled') await this.start(m._id, now);
        else if (m.state === 'ended') await this.wrapUpAgain(m._id, now);
        else if (m.endsAt <= now) await this.finish(m._id, now, { automatic: true });
        else if (!m.warnedForEndsAt || m.warnedForEndsAt.getTime() !== m.endsAt.getTime()) await this.warn(m._id, m.endsAt);
      } catch (err) {
        // Left for the next sweep: every step is a conditional update, so a retry does it once.
        if (isDatabaseUnavailable(err)) throw err;
        log.error({ err, meetingId: m._id.toHexString() }, 'meeting step failed');
      }
    }
  }

  /** scheduled → running; the winner records it and tells everyone (the client's reminder). */
  private async start(id: Types.ObjectId, now: Date): Promise<void> {
    const after = await this.meetings
      .findOneAndUpdate({ _id: id, state: 'scheduled', startsAt: { $lte: now } }, { $set: { state: 'running' } }, { returnDocument: 'after' })
      .lean<MeetingDoc>();
    if (!after) return;
    await this.record(after, after.hostId.toString(), { type: 'meeting_started' }, `meeting-started:${id.toHexString()}`);
    await this.tell(after);
  }

  /** One warning per end time: the update that sets `warnedForEndsAt` to it wins. */
  private async warn(id: Types.ObjectId, endsAt: Date): Promise<void> {
    const won = await this.meetings
      .findOneAndUpdate(
        { _id: id, state: 'running', endsAt, warnedForEndsAt: { $ne: endsAt } },
        { $set: { warnedForEndsAt: endsAt } },
        { returnDocument: 'after', projection: { memberIds: 1 } },
      )
      .lean<Pick<MeetingDoc, '_id' | 'memberIds'>>();
    if (!won) return;
    this.realtime.toUsers(won.memberIds.map(String)).emit('meeting:warning', { meetingId: id.toHexString(), endsAt: endsAt.toISOString() });
  }

  /**
   * → ended, by a person (`actorId`) or at the end of the time box (`automatic`: only if it is
   * overdue, and it ends at its `endsAt`, however late the sweep that saw it). Returns the ended
   * meeting if this call ended it, null if it had ended already. The winner holds a lease on the
   * notices (`wrapUpUntil`): if it dies before finishing them, a sweep somewhere redoes them.
   */
  private async finish(id: Types.ObjectId, now: Date, how: { actorId?: string; automatic?: boolean }): Promise<MeetingDoc | null> {
    let filter: Record<string, unknown> = { _id: id, state: { $in: ['scheduled', 'running'] } };
    let endedAt = now;
    if (how.automatic) {
      const current = await this.meetings.findById(id, { endsAt: 1 }).lean<Pick<MeetingDoc, 'endsAt'>>();
      if (!current || current.endsAt > now) return null;
      filter = { _id: id, state: 'running', endsAt: current.endsAt };
      endedAt = current.endsAt;
    }
    const after = await this.meetings
      .findOneAndUpdate(filter, { $set: { state: 'ended', endedAt, wrapUpUntil: new Date(now.getTime() + WRAP_UP_LEASE_MS) } }, { returnDocument: 'after' })
      .lean<MeetingDoc>();
    if (!after) return null;
    await this.wrapUp(after, how.actorId ?? after.hostId.toString());
    return after;
  }

  /** A lease ran out before the notices were finished: take it over and redo them (each is written once). */
  private async wrapUpAgain(id: Types.ObjectId, now: Date): Promise<void> {
    const current = await this.meetings.findById(id).lean<MeetingDoc>();
    if (!current?.wrapUpUntil || current.wrapUpUntil > now) return;
    const claimed = await this.meetings
      .findOneAndUpdate({ _id: id, wrapUpUntil: current.wrapUpUntil }, { $set: { wrapUpUntil: new Date(now.getTime() + WRAP_UP_LEASE_MS) } }, { returnDocument: 'after' })
      .lean<MeetingDoc>();
    if (claimed) await this.wrapUp(claimed, claimed.hostId.toString());
  }

  /**
   * What follows an end: the conversation becomes read-only, 会議中 ends for everyone, the end and
   * the summary are recorded (each with a fixed key, so a redo writes neither twice), then
   * everyone is told and the lease is released.
   */
  private async wrapUp(doc: MeetingDoc, actorId: string): Promise<void> {
    const meetingId = doc._id.toHexString();
    const memberIds = doc.memberIds.map(String);
    await this.conversations.closeMeetingConversation(doc.conversationId.toHexString(), doc.endedAt ?? this.clock());
    await this.presence.meetingEnded(meetingId, memberIds);
    await this.record(doc, actorId, { type: 'meeting_ended' }, `meeting-ended:${meetingId}`);
    if (doc.fromConversationId) await this.postSummary(doc);
    await this.meetings.updateOne({ _id: doc._id }, { $unset: { wrapUpUntil: 1 } });
    await this.tell(doc);
  }

  /** The summary in the conversation the meeting was started from: topic, decisions, ToDos, the minutes' link. */
  private async postSummary(doc: MeetingDoc): Promise<void> {
    const from = doc.fromConversationId!.toHexString();
    const members = await this.conversations.membersOf(from);
    if (!members) return; // the conversation is gone
    const marks = await this.markDtos(await this.marks.find({ meetingId: doc._id }).sort({ createdAt: 1, _id: 1 }).lean<MarkDoc[]>());
    const names = new Map((await this.directory.getUsers(marks.flatMap((m) => (m.assigneeId ? [m.assigneeId] : [])))).map((u) => [u.id, u.name]));
    const meetingId = doc._id.toHexString();
    const text = summaryText(doc.topic, marks, names, meetingId);
    await this.messaging.sendSystem(from, doc.hostId.toString(), { type: 'meeting_summary', title: doc.topic, meetingId }, members, {
      text,
      onceKey: `meeting-summary:${meetingId}`,
    });
  }

  /** A system message in the meeting's own conversation, to its members. */
  private async record(doc: MeetingDoc, actorId: string, event: { type: 'meeting_joined' | 'meeting_left' | 'meeting_extended' | 'meeting_ended' | 'meeting_started'; userIds?: string[]; minutes?: number }, onceKey?: string): Promise<void> {
    await this.messaging.sendSystem(doc.conversationId.toHexString(), actorId, { ...event, meetingId: doc._id.toHexString() }, doc.memberIds.map(String), onceKey ? { onceKey } : {});
  }

  /** `meeting:updated` to every participant; returns the meeting. */
  private tell(doc: MeetingDoc): Meeting {
    const meeting = toMeeting(doc);
    this.realtime.toUsers(meeting.memberIds).emit('meeting:updated', { meeting });
    return meeting;
  }

  // ── read ────────────────────────────────────────────────────

  async get(user: User, meetingId: string): Promise<Meeting> {
    return toMeeting(await this.requireParticipant(meetingId, user.id));
  }

  /**
   * The caller's meetings: upcoming (scheduled, soonest first), running, or past (latest first),
   * matching `q` in the topic or a participant's name or reading; 50 a page.
   */
  async list(user: User, query: { state?: Meeting['state']; q?: string; page?: number }): Promise<{ meetings: Meeting[]; hasMore: boolean }> {
    const filter: Record<string, unknown> = { memberIds: oid(user.id) };
    if (query.state) filter.state = query.state;
    const q = query.q ? normalizeForSearch(query.q) : '';
    if (q) {
      const people = await this.directory.listUsers({ q });
      filter.$or = [{ topicSearch: { $regex: escapeRegex(q) } }, { memberIds: { $in: people.slice(0, 1000).map((u) => oid(u.id)) } }];
    }
    const page = query.page ?? 1;
    const docs = await this.meetings
      .find(filter)
      .sort(query.state === 'scheduled' ? { startsAt: 1, _id: 1 } : { startsAt: -1, _id: -1 })
      .skip((page - 1) * PAGE_SIZE)
      .limit(PAGE_SIZE + 1)
      .lean<MeetingDoc[]>();
    return { meetings: docs.slice(0, PAGE_SIZE).map(toMeeting), hasMore: docs.length > PAGE_SIZE };
  }

  /** The minutes: the meeting, its marks, the names and the whole transcript (one read per collection). */
  async minutes(user: User, meetingId: string): Promise<Minutes> {
    const doc = await this.requireParticipant(meetingId, user.id);
    const [markDocs, messages] = await Promise.all([
      this.marks.find({ meetingId: doc._id }).sort({ createdAt: 1, _id: 1 }).lean<MarkDoc[]>(),
      this.messageQueries.messages.collection
        .find<MessageDoc>({ conversationId: doc.conversationId })
        .sort({ seq: 1 })
        .limit(MAX_TRANSCRIPT)
        .toArray(),
    ]);
    const transcript = messages.map(toMessageDto);
    const marks = this.markDtosFrom(markDocs, messages);
    const ids = new Set<string>([...doc.memberIds.map(String), ...transcript.map((m) => m.senderId)]);
    const names = new Map((await this.directory.getUsers([...ids])).map((u) => [u.id, u.name]));
    return buildMinutes(toMeeting(doc), marks, names, transcript);
  }

  // ── marks: 決定事項 and ToDo ─────────────────────────────────

  async listMarks(user: User, meetingId: string): Promise<MeetingMark[]> {
    const doc = await this.requireParticipant(meetingId, user.id);
    return this.markDtos(await this.marks.find({ meetingId: doc._id }).sort({ createdAt: 1, _id: 1 }).lean<MarkDoc[]>());
  }

  /**
   * Marks a message of a running meeting as a decision or a ToDo (any participant). The message
   * must be one of the meeting's people's messages; a ToDo's assignee must be a participant. The
   * same mark twice (same message, kind and assignee): `conflict`.
   */
  async addMark(user: User, meetingId: string, input: { messageId: string; kind: 'decision' | 'todo'; assigneeId?: string; dueDate?: string }): Promise<MeetingMark> {
    const doc = await this.requireParticipant(meetingId, user.id);
    if (doc.state !== 'running') throw new AppError('conflict', 'marks are made while the meeting runs');
    if (input.assigneeId && !doc.memberIds.some((id) => id.toString() === input.assigneeId)) {
      throw new AppError('bad_request', 'the assignee must be a participant of the meeting');
    }
    if (input.dueDate && !isCalendarDate(input.dueDate)) throw new AppError('bad_request', 'dueDate is not a calendar date');
    const message = await this.messageQueries.messages.collection.findOne<MessageDoc>({ _id: oid(input.messageId) });
    if (!message || !message.conversationId.equals(doc.conversationId)) throw new AppError('bad_request', 'the message is not one of this meeting');
    if (message.system || message.deletedAt) throw new AppError('bad_request', 'a system or taken-back message cannot be marked');
    const mark: MarkDoc = {
      _id: new Types.ObjectId(),
      meetingId: doc._id,
      conversationId: doc.conversationId,
      messageId: message._id,
      seq: message.seq,
      kind: input.kind,
      ...(input.assigneeId ? { assigneeId: oid(input.assigneeId) } : {}),
      ...(input.dueDate ? { dueDate: input.dueDate } : {}),
      ...(input.kind === 'todo' ? { done: false } : {}),
      createdBy: oid(user.id),
      createdAt: this.clock(),
    } as MarkDoc;
    try {
      await this.marks.create(mark);
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('conflict', 'this message is already marked so');
      throw err;
    }
    const dto = this.markDtosFrom([mark], [message])[0]!;
    this.realtime.toUsers(doc.memberIds.map(String)).emit('meeting:mark', { mark: dto });
    return dto;
  }

  /** Takes a mark back while the meeting runs: its creator, the host or a supervisor of the host. */
  async removeMark(user: User, meetingId: string, markId: string): Promise<void> {
    const doc = await this.requireParticipant(meetingId, user.id);
    const mark = await this.marks.findOne({ _id: oid(markId), meetingId: doc._id }).lean<MarkDoc>();
    if (!mark) throw new AppError('not_found', 'mark not found');
    if (doc.state !== 'running') throw new AppError('conflict', 'marks are changed while the meeting runs');
    if (mark.createdBy.toString() !== user.id) await this.requireModerator(user, doc);
    const removed = await this.marks.findOneAndDelete({ _id: mark._id }).lean<MarkDoc>();
    if (!removed) return; // someone else took it back meanwhile
    const [dto] = await this.markDtos([removed]);
    this.realtime.toUsers(doc.memberIds.map(String)).emit('meeting:mark', { mark: dto!, removed: true });
  }

  /** 「自分のToDo」: the caller's ToDos (open, done, or all), latest first, at most 500. */
  async todos(user: User, done?: boolean): Promise<Todo[]> {
    const filter: Record<string, unknown> = { assigneeId: oid(user.id), kind: 'todo' };
    if (done !== undefined) filter.done = done ? true : { $ne: true };
    const docs = await this.marks.find(filter).sort({ createdAt: -1, _id: -1 }).limit(500).lean<MarkDoc[]>();
    return this.todosFrom(docs);
  }

  /** Ticks a ToDo done (or open again): its assignee or whoever marked it; the meeting's participants are told. */
  async setTodoDone(user: User, markId: string, done: boolean): Promise<Todo> {
    const mark = await this.marks.findOne({ _id: oid(markId), kind: 'todo' }).lean<MarkDoc>();
    if (!mark) throw new AppError('not_found', 'ToDo not found');
    if (mark.assigneeId?.toString() !== user.id && mark.createdBy.toString() !== user.id) {
      throw new AppError('forbidden', 'only the assignee or whoever made the ToDo can tick it');
    }
    const after = await this.marks
      .findOneAndUpdate({ _id: mark._id }, done ? { $set: { done: true, doneAt: this.clock() } } : { $set: { done: false }, $unset: { doneAt: 1 } }, { returnDocument: 'after' })
      .lean<MarkDoc>();
    if (!after) throw new AppError('not_found', 'ToDo not found');
    const [todo] = await this.todosFrom([after]);
    const meeting = await this.meetings.findById(mark.meetingId, { memberIds: 1 }).lean<Pick<MeetingDoc, 'memberIds'>>();
    if (meeting) {
      const { meetingTopic: _t, conversationId: _c, ...dto } = todo!;
      this.realtime.toUsers(meeting.memberIds.map(String)).emit('meeting:mark', { mark: dto });
    }
    return todo!;
  }

  private async todosFrom(docs: MarkDoc[]): Promise<Todo[]> {
    if (docs.length === 0) return [];
    const [marks, meetings] = await Promise.all([
      this.markDtos(docs),
      this.meetings.find({ _id: { $in: [...new Set(docs.map((d) => d.meetingId.toString()))].map(oid) } }, { topic: 1, conversationId: 1 }).lean<Pick<MeetingDoc, '_id' | 'topic' | 'conversationId'>[]>(),
    ]);
    const byId = new Map(meetings.map((m) => [m._id.toString(), m]));
    return marks.map((m) => {
      const meeting = byId.get(m.meetingId);
      return { ...m, meetingTopic: meeting?.topic ?? '', conversationId: meeting?.conversationId.toString() ?? docs[0]!.conversationId.toString() };
    });
  }

  /** Marks with their messages' current text (one read of the messages). */
  private async markDtos(docs: MarkDoc[]): Promise<MeetingMark[]> {
    if (docs.length === 0) return [];
    const messages = await this.messageQueries.messages.collection
      .find<MessageDoc>({ _id: { $in: docs.map((d) => d.messageId) } }, { projection: { body: 1, deletedAt: 1 } })
      .toArray();
    return this.markDtosFrom(docs, messages);
  }

  private markDtosFrom(docs: MarkDoc[], messages: Pick<MessageDoc, '_id' | 'body' | 'deletedAt'>[]): MeetingMark[] {
    const bodies = new Map(messages.map((m) => [m._id.toString(), m.deletedAt ? '' : m.body]));
    return docs.map((d) => ({
      id: d._id.toString(),
      meetingId: d.meetingId.toString(),
      messageId: d.messageId.toString(),
      seq: d.seq,
      body: bodies.get(d.messageId.toString()) ?? '',
      kind: d.kind,
      ...(d.assigneeId ? { assigneeId: d.assigneeId.toString() } : {}),
      ...(d.dueDate ? { dueDate: d.dueDate } : {}),
      ...(d.kind === 'todo' ? { done: Boolean(d.done) } : {}),
      ...(d.doneAt ? { doneAt: d.doneAt.toISOString() } : {}),
      createdBy: d.createdBy.toString(),
      createdAt: d.createdAt.toISOString(),
    }));
  }
}

/** The wire form: attendance spans derived from the join/leave log; an ended meeting has no one joined. */
export function toMeeting(doc: MeetingDoc): Meeting {
  const spansOf = new Map<string, { joinedAt: string; leftAt?: string }[]>();
  for (const a of doc.attendance ?? []) {
    const id = a.userId.toString();
    const spans = spansOf.get(id) ?? [];
    spansOf.set(id, spans);
    const open = spans.at(-1);
    if (a.kind === 'join') {
      if (!open || open.leftAt) spans.push({ joinedAt: a.at.toISOString() });
    } else if (open && !open.leftAt) open.leftAt = a.at.toISOString();
  }
  const ended = doc.state === 'ended';
  const joined = new Set((doc.joinedIds ?? []).map(String));
  const participants: Participant[] = doc.memberIds.map((m) => {
    const userId = m.toString();
    // The end closes every span still open, at the moment the meeting ended.
    const spans = (spansOf.get(userId) ?? []).map((s) => (s.leftAt || !ended ? s : { ...s, leftAt: (doc.endedAt ?? doc.endsAt).toISOString() }));
    return { userId, spans, joined: !ended && joined.has(userId) };
  });
  return {
    id: doc._id.toString(),
    conversationId: doc.conversationId.toString(),
    topic: doc.topic,
    agenda: doc.agenda.map((a) => a.text),
    agendaDone: doc.agenda.map((a) => a.done),
    hostId: doc.hostId.toString(),
    memberIds: doc.memberIds.map(String),
    startsAt: doc.startsAt.toISOString(),
    endsAt: doc.endsAt.toISOString(),
    ...(doc.endedAt ? { endedAt: doc.endedAt.toISOString() } : {}),
    state: doc.state,
    durationMin: doc.durationMin,
    ...(doc.fromConversationId ? { fromConversationId: doc.fromConversationId.toString() } : {}),
    participants,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** The summary's words: topic, decisions, ToDos (assignee, due date), and where the minutes are. */
export function summaryText(topic: string, marks: readonly MeetingMark[], names: ReadonlyMap<string, string>, meetingId: string): string {
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 200);
  const lines = [`打ち合わせ「${topic}」が終了しました。`];
  const decisions = marks.filter((m) => m.kind === 'decision');
  const todos = marks.filter((m) => m.kind === 'todo');
  lines.push('', `決定事項（${decisions.length}件）`);
  for (const d of decisions) lines.push(`・${oneLine(d.body)}`);
  lines.push('', `ToDo（${todos.length}件）`);
  for (const t of todos) {
    lines.push(`・${oneLine(t.body)}（担当: ${names.get(t.assigneeId ?? '') ?? '不明なユーザー'}さん${t.dueDate ? `、期限: ${t.dueDate}` : ''}）`);
  }
  lines.push('', `議事録: /meetings/${meetingId}/minutes`);
  const text = lines.join('\n');
  // A message holds at most MAX_BODY_CHARS; the minutes hold everything.
  return text.length <= MAX_BODY_CHARS ? text : `${text.slice(0, MAX_BODY_CHARS - 40)}…\n議事録: /meetings/${meetingId}/minutes`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `YYYY-MM-DD` that names a real day (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
