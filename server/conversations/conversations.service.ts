import { Types, type AnyBulkWriteOperation, type Connection, type Model } from 'mongoose';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import {
  MAX_CONVERSATION_PAGE,
  type Conversation,
  type CreateConversationBody,
  type ListConversationsQuery,
  type Message,
} from '../../shared/schemas/conversations.js';
import type { Config } from '../config.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DepartmentMove, DirectoryService } from '../directory/directory.service.js';
import type { Limiters } from '../lib/limiter.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import type { Realtime } from '../realtime.js';
import { conversationModel, type ConversationDoc } from './conversation.model.js';
import { MembershipCache, type Membership } from './membership-cache.js';
import { readMarkModel, type ReadMarkDoc } from './readmark.model.js';
import { draftModel, type DraftDoc } from './draft.model.js';
import type { ChannelSummary, ConversationSettingsBody, ConversationSettingsEvent, Draft } from '../../shared/schemas/conversation-management.js';
import { log } from '../log.js';

const oid = (id: string) => new Types.ObjectId(id);

/** Conversations, their members, read marks, settings and drafts. The only writer of `conversations`, `readmarks` and `drafts`. */
export class ConversationsService {
  private readonly conversations: Model<ConversationDoc>;
  private readonly readMarks: Model<ReadMarkDoc>;
  private readonly drafts: Model<DraftDoc>;
  private readonly createRate: RateLimiterAbstract;
  private readonly maxMembers: number;
  /** Members of recently used conversations; every membership change drops its entry (membersChanged). */
  private readonly membership = new MembershipCache((id) => this.loadMembership(id));
  /** Latest activity per conversation not yet written: one bulk update per window (noteActivity). */
  private readonly pendingActivity = new Map<string, Date>();
  private activityTimer: NodeJS.Timeout | undefined;
  private readonly activityWrites = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    conn: Connection,
    private readonly directory: DirectoryService,
    private readonly messages: MessageQueries,
    private readonly realtime: Realtime,
    private readonly config: Config,
    limiters: Limiters,
  ) {
    this.conversations = conversationModel(conn);
    this.readMarks = readMarkModel(conn);
    this.drafts = draftModel(conn);
    this.maxMembers = config.MAX_GROUP_MEMBERS;
    this.createRate = limiters.create({
      name: 'conversation:create',
      points: config.CONVERSATION_CREATE_LIMIT,
      durationS: config.CONVERSATION_CREATE_WINDOW_S,
    });
    if (config.REDIS_URL) {
      // Another process changed a conversation's members: our cached copy is stale.
      this.realtime.io.on('conversation:membersChanged', (conversationId) => {
        if (typeof conversationId === 'string') this.membership.drop(conversationId);
      });
    }
  }

  async init(): Promise<void> {
    await Promise.all([this.conversations.createIndexes(), this.readMarks.createIndexes(), this.drafts.createIndexes()]);
  }

  // ── check ───────────────────────────────────────────────────

  /**
   * The conversation's membership if the user is a member: 404 if there is none, 403 if not theirs.
   * Answered from this process's cache when it holds the conversation (no database read).
   */
  async requireMember(conversationId: string, userId: string): Promise<Membership> {
    const membership = await this.membership.get(conversationId);
    if (!membership) throw new AppError('not_found', 'conversation not found');
    if (!membership.members.has(userId)) {
      throw new AppError('forbidden', 'you are not a member of this conversation');
    }
    return membership;
  }

  /** 404 unless the conversation exists (for admin reads that are not a member's). */
  async requireExists(conversationId: string): Promise<void> {
    if (!(await this.membership.get(conversationId))) throw new AppError('not_found', 'conversation not found');
  }

  private async checkCreate(creator: User, input: CreateConversationBody): Promise<string[]> {
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.id);
    // A channel may start with its creator alone: others find it in the channel list and join.
    if (others.length === 0 && input.kind !== 'channel') throw new AppError('bad_request', 'name at least one other person');
    if (input.kind === 'channel' && creator.role === 'staff') {
      throw new AppError('forbidden', 'only supervisors and admins open channels');
    }
    // Every member costs work on every message and event: groups and channels alike are capped.
    if (others.length + 1 > this.maxMembers) {
      throw new AppError('bad_request', `a conversation has at most ${this.maxMembers} members, you included`);
    }
    const found = others.length ? await this.directory.getUsers(others) : [];
    if (found.length !== others.length) throw new AppError('not_found', 'a member does not exist');
    return [creator.id, ...others];
  }

  // ── do ──────────────────────────────────────────────────────

  /**
   * Creates a conversation (or returns the existing dm of the pair) and tells its members, each
   * with their own view, built for all of them at once (`viewsOf`). Creating counts toward the
   * creator's CONVERSATION_CREATE_LIMIT; getting an existing dm back does not.
   */
  async create(creator: User, input: CreateConversationBody): Promise<{ conversation: Conversation; created: boolean }> {
    const memberIds = await this.checkCreate(creator, input);
    const _id = new Types.ObjectId();
    const key = input.kind === 'dm' ? `dm:${[...memberIds].sort().join(':')}` : `${input.kind}:${_id}`;
    const existing = input.kind === 'dm' ? await this.conversations.findOne({ key }).lean<ConversationDoc>() : null;
    if (existing) return { conversation: await this.viewOf(existing, creator.id), created: false };
    await this.createRate.consume(creator.id).catch(() => {
      throw new AppError('rate_limited', 'you are creating conversations too fast; wait a while');
    });

    const now = new Date();
    const doc: ConversationDoc = {
      _id,
      kind: input.kind,
      title: input.kind === 'dm' ? '' : (input.title ?? ''),
      memberIds: memberIds.map(oid),
      key,
      createdBy: oid(creator.id),
      lastActivityAt: now,
      createdAt: now,
      // A channel is open to its creator's department unless they say otherwise.
      ...(input.kind === 'channel' ? { visibility: input.visibility ?? 'department', departmentId: oid(creator.departmentId) } : {}),
    };
    try {
      await this.conversations.create(doc);
    } catch (err) {
      // Two requests for the same dm raced; the other one won: return its conversation, uncounted.
      if (isDuplicateKey(err)?.includes('key')) {
        const winner = await this.conversations.findOne({ key }).lean<ConversationDoc>();
        if (winner) {
          await this.createRate.reward(creator.id, 1).catch(() => undefined);
          return { conversation: await this.viewOf(winner, creator.id), created: false };
        }
      }
      throw err;
    }
    const views = await this.viewsOf(memberIds.map((viewerId) => ({ doc, viewerId })));
    for (const [conversation, viewerIds] of alike(views)) this.realtime.toUsers(viewerIds).emit('conversation:new', { conversation });
    return { conversation: views.find((v) => v.viewerId === creator.id)!.conversation, created: true };
  }

  /**
   * The caller leaves a group or channel (a dm cannot be left; a meeting is left through its own
   * route). Their membership ends in one atomic `$pull`, so every later read, send, typing signal
   * and event leaves them out; their own tabs get `conversation:left`, the remaining members
   * `conversation:updated`. The system message is the caller's to write (routes: leave, then
   * `MessagingService.sendSystem`). Returns the remaining members.
   */
  async leave(user: User, conversationId: string): Promise<{ memberIds: string[] }> {
    const conv = await this.requireMember(conversationId, user.id);
    if (conv.kind === 'dm') throw new AppError('bad_request', 'a direct message cannot be left');
    if (conv.kind === 'meeting') throw new AppError('bad_request', 'leave a meeting through /api/meetings/:id/leave');
    // A department channel follows the department (issue 9): it is muted, not left.
    const after = await this.conversations
      .findOneAndUpdate(
        { _id: conv._id, memberIds: oid(user.id), departmentChannel: { $ne: true } },
        { $pull: { memberIds: oid(user.id) } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>();
    if (!after) {
      if (await this.conversations.exists({ _id: conv._id, departmentChannel: true })) {
        throw new AppError('bad_request', "a department channel follows the department: mute it instead of leaving");
      }
      // Another request of theirs left first.
      throw new AppError('forbidden', 'you are not a member of this conversation');
    }
    this.membersChanged(conversationId);
    this.realtime.toUsers([user.id]).emit('conversation:left', { conversationId });
    const memberIds = after.memberIds.map(String);
    const views = await this.viewsOf(memberIds.map((viewerId) => ({ doc: after, viewerId })));
    for (const [conversation, viewerIds] of alike(views)) this.realtime.toUsers(viewerIds).emit('conversation:updated', { conversation });
    return { memberIds };
  }

  // ── meetings (server/meetings) ──────────────────────────────
  // A meeting is a conversation of kind `meeting` underneath; only MeetingsService asks for these
  // (POST /api/conversations with kind `meeting` stays refused by its schema).

  /**
   * Creates the conversation of a meeting (key `meeting:<meetingId>`, so asking twice gives one)
   * with its members, the host first, and tells them (`conversation:new`). The meetings service has
   * checked the members and counted the creation.
   */
  async createMeetingConversation(input: { _id: Types.ObjectId; meetingId: string; hostId: string; memberIds: readonly string[]; title: string; at: Date }): Promise<void> {
    const doc: ConversationDoc = {
      _id: input._id,
      kind: 'meeting',
      title: input.title,
      memberIds: input.memberIds.map(oid),
      key: `meeting:${input.meetingId}`,
      createdBy: oid(input.hostId),
      lastActivityAt: input.at,
      createdAt: input.at,
    };
    await this.conversations.create(doc);
    const views = await this.viewsOf(input.memberIds.map((viewerId) => ({ doc, viewerId })));
    for (const [conversation, viewerIds] of alike(views)) this.realtime.toUsers(viewerIds).emit('conversation:new', { conversation });
  }

  /**
   * A meeting ended: its conversation becomes read-only. The cached membership carries `closed`,
   * so the cache is dropped here and in every other process (as for a membership change), and the
   * next send is refused. Idempotent.
   */
  async closeMeetingConversation(conversationId: string, at: Date): Promise<void> {
    const after = await this.conversations
      .findOneAndUpdate({ _id: oid(conversationId), kind: 'meeting', closedAt: { $exists: false } }, { $set: { closedAt: at } }, { returnDocument: 'after' })
      .lean<ConversationDoc>();
    this.membersChanged(conversationId);
    // The members' lists show it closed (`closedAt`); only the call that closed it tells them.
    if (after) await this.tellMembers(after, [], after.createdBy.toString());
  }

  /** The members of a conversation (from the cache), or null if it does not exist; for notices the server writes. */
  async membersOf(conversationId: string): Promise<readonly string[] | null> {
    return (await this.membership.get(conversationId))?.memberIds ?? null;
  }

  /** Raises the reader's mark (never lowers it); tells the members when it moved. */
  async markRead(userId: string, conversationId: string, seq: number): Promise<{ seq: number }> {
    const conv = await this.requireMember(conversationId, userId);
    const lastSeq = (await this.messages.latest(conversationId))?.seq ?? 0;
    const target = Math.min(seq, lastSeq);
    const filter = { conversationId: conv._id, userId: oid(userId) };
    let before: ReadMarkDoc | null;
    try {
      before = await this.readMarks
        .findOneAndUpdate(filter, { $max: { seq: target } }, { upsert: true, returnDocument: 'before' })
        .lean<ReadMarkDoc>();
    } catch (err) {
      // Two first reads raced on the upsert; the document exists now, so a plain update works.
      if (!isDuplicateKey(err)) throw err;
      before = await this.readMarks.findOneAndUpdate(filter, { $max: { seq: target } }, { returnDocument: 'before' }).lean<ReadMarkDoc>();
    }
    const previous = before?.seq ?? 0;
    const now = Math.max(previous, target);
    if (now > previous) {
      this.realtime
        .toUsers(conv.memberIds.map(String))
        .emit('conversation:read', { conversationId, userId, seq: now });
    }
    return { seq: now };
  }

  /**
   * Called by messaging after a message is stored (and acknowledged): keeps the list ordered by
   * activity. Gathered per conversation and written in one bulk update per window, so nobody waits
   * for it; a crash may lose one window, which the list survives (listFor orders by the last message).
   */
  noteActivity(conversationId: string, at: Date): void {
    const known = this.pendingActivity.get(conversationId);
    if (!known || known < at) this.pendingActivity.set(conversationId, at);
    if (this.stopped) {
      void this.flushActivity();
    } else if (!this.activityTimer) {
      this.activityTimer = setTimeout(() => void this.flushActivity(), this.config.CONVERSATION_ACTIVITY_FLUSH_MS);
      this.activityTimer.unref();
    }
  }

  // ── read ────────────────────────────────────────────────────

  /**
   * One page of the caller's conversations, latest activity first (then larger id), after the
   * cursor `before` if given. `nextCursor` is set when more follow. Keyset paging: a page is
   * "everything after this position in the current order", so nothing is listed twice in a walk;
   * see README.md for what happens to a conversation that moves while someone pages.
   */
  async listFor(userId: string, query: ListConversationsQuery = {}): Promise<{ conversations: Conversation[]; nextCursor?: string }> {
    const limit = query.limit ?? MAX_CONVERSATION_PAGE;
    const filter: Record<string, unknown> = { memberIds: oid(userId) };
    if (query.before) {
      const { at, id } = parseCursor(query.before);
      filter.$or = [{ lastActivityAt: { $lt: at } }, { lastActivityAt: at, _id: { $lt: id } }];
    }
    const docs = await this.conversations
      .find(filter)
      .sort({ lastActivityAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<ConversationDoc[]>();
    const page = docs.slice(0, limit);
    const views = await this.viewsOf(page.map((doc) => ({ doc, viewerId: userId })));
    const last = page[page.length - 1];
    // Activity times are written up to one window after a send (noteActivity); within the page the
    // last stored message decides, so a list fetched right after a send is already in order.
    const at = (c: Conversation) => {
      const activity = c.activityAt ?? c.createdAt;
      return c.lastMessage && c.lastMessage.createdAt > activity ? c.lastMessage.createdAt : activity;
    };
    const conversations = views.map((v) => v.conversation).sort((a, b) => at(b).localeCompare(at(a)) || b.id.localeCompare(a.id));
    return {
      conversations,
      ...(docs.length > limit && last ? { nextCursor: cursorOf(last) } : {}),
    };
  }

  async getFor(conversationId: string, userId: string): Promise<Conversation> {
    await this.requireMember(conversationId, userId);
    const doc = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    if (!doc) throw new AppError('not_found', 'conversation not found');
    return this.viewOf(doc, userId);
  }

  private async viewOf(doc: ConversationDoc, viewerId: string): Promise<Conversation> {
    return (await this.viewsOf([{ doc, viewerId }]))[0]!.conversation;
  }

  /**
   * The DTOs of many conversations for many viewers (one viewer's list, or every member of one
   * conversation) with one database round trip per collection, whatever the count: the latest
   * messages, the read marks and the people named in titles are read once for all, and the unread
   * counts in one aggregate; only the viewer's own parts (title, read mark, unread count) are
   * assembled per viewer, in memory.
   */
  private async viewsOf(wanted: readonly { doc: ConversationDoc; viewerId: string }[]): Promise<{ viewerId: string; conversation: Conversation }[]> {
    const docs = new Map(wanted.map(({ doc }) => [doc._id.toString(), doc]));
    const ids = [...docs.keys()];
    const named = new Set<string>();
    for (const doc of docs.values()) for (const id of titleMemberIds(doc)) named.add(id);
    const [latest, marks, people] = await Promise.all([
      this.messages.latestMany(ids),
      ids.length ? this.readMarks.find({ conversationId: { $in: ids.map(oid) } }).lean<ReadMarkDoc[]>() : Promise.resolve([]),
      named.size ? this.directory.getUsers([...named]) : Promise.resolve([]),
    ]);
    const marksOf = new Map<string, Map<string, number>>();
    // Mute and favourite live on the same documents (issue 9): only set ones are remembered.
    const settingsOf = new Map<string, Settings>();
    for (const m of marks) {
      const key = m.conversationId.toString();
      const map = marksOf.get(key) ?? new Map<string, number>();
      map.set(m.userId.toString(), m.seq);
      marksOf.set(key, map);
      if (m.muted || m.favourite) settingsOf.set(`${key}:${m.userId.toString()}`, { muted: Boolean(m.muted), favourite: Boolean(m.favourite) });
    }
    const names = new Map(people.map((u) => [u.id, u.name]));

    const base = wanted.map(({ doc, viewerId }) => {
      const id = doc._id.toString();
      const lastMessage = latest.get(id);
      const myLastReadSeq = marksOf.get(id)?.get(viewerId) ?? 0;
      return { doc, id, viewerId, lastMessage, myLastReadSeq };
    });
    const unreadQueries = base.filter((b) => b.lastMessage && b.lastMessage.seq > b.myLastReadSeq);
    const questions = unreadQueries.map((b) => ({ conversationId: b.id, userId: b.viewerId, afterSeq: b.myLastReadSeq }));
    // Unread mentions (the badge) in one more query, alongside the unread counts.
    const [counts, mentionCounts] = await Promise.all([this.messages.countUnreadMany(questions), this.messages.countMentionsMany(questions)]);
    const unread = new Map(unreadQueries.map((b, i) => [b, counts[i]!]));
    const mentioned = new Map(unreadQueries.map((b, i) => [b, mentionCounts[i]!]));

    return base.map((b) => ({
      viewerId: b.viewerId,
      conversation: withSettings(
        { ...toConversation(b.doc, b.viewerId, b.lastMessage, marksOf.get(b.id), names, b.myLastReadSeq, unread.get(b) ?? 0), mentionCount: mentioned.get(b) ?? 0 },
        settingsOf.get(`${b.id}:${b.viewerId}`),
      ),
    }));
  }

  // ── management (issue 9): rename, members, channels, settings, drafts ─────
  // Each change is one atomic update that re-checks what was checked (the caller still a member,
  // the person still there), so two requests at once cannot both apply one change. Membership
  // changes call membersChanged; the system message that records a change is written by the route
  // (MessagingService.sendSystem) after the change, as for leave.

  /**
   * The conversation, if the caller may rename it and change its members: a member who created
   * it, or a member who is a supervisor or admin. A dm and a meeting are not managed this way.
   */
  private async requireManager(user: User, conversationId: string): Promise<ConversationDoc> {
    const membership = await this.requireMember(conversationId, user.id);
    if (membership.kind === 'dm' || membership.kind === 'meeting') {
      throw new AppError('bad_request', `a ${membership.kind} cannot be renamed or have its members changed`);
    }
    const doc = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    if (!doc) throw new AppError('not_found', 'conversation not found');
    if (doc.createdBy.toString() !== user.id && user.role === 'staff') {
      throw new AppError('forbidden', 'only its creator, supervisors and admins may change this conversation');
    }
    return doc;
  }

  /** Renames a group or channel; every member gets `conversation:updated`. `changed` is false for the same title. */
  async rename(user: User, conversationId: string, title: string): Promise<{ conversation: Conversation; memberIds: string[]; changed: boolean }> {
    const doc = await this.requireManager(user, conversationId);
    if (doc.title === title) return { conversation: await this.viewOf(doc, user.id), memberIds: doc.memberIds.map(String), changed: false };
    const after = await this.conversations
      .findOneAndUpdate({ _id: doc._id, memberIds: oid(user.id) }, { $set: { title } }, { returnDocument: 'after' })
      .lean<ConversationDoc>();
    if (!after) throw new AppError('forbidden', 'you are not a member of this conversation');
    const conversation = await this.tellMembers(after, [], user.id);
    return { conversation, memberIds: after.memberIds.map(String), changed: true };
  }

  /**
   * Adds people to a group or channel. Those already in are skipped; none new changes nothing.
   * The added get `conversation:new` (and, like every member, the whole history), the others
   * `conversation:updated`. A department channel's members follow the department: `bad_request`.
   */
  async addMembers(user: User, conversationId: string, userIds: readonly string[]): Promise<{ conversation: Conversation; memberIds: string[]; added: string[] }> {
    const doc = await this.requireManager(user, conversationId);
    if (doc.departmentChannel) throw new AppError('bad_request', "a department channel's members follow the department");
    const current = new Set(doc.memberIds.map(String));
    const added = [...new Set(userIds)].filter((id) => !current.has(id));
    if (added.length === 0) return { conversation: await this.viewOf(doc, user.id), memberIds: [...current], added };
    if (current.size + added.length > this.maxMembers) {
      throw new AppError('bad_request', `a conversation has at most ${this.maxMembers} members`);
    }
    const found = await this.directory.getUsers(added);
    if (found.length !== added.length) throw new AppError('not_found', 'a member does not exist');
    const after = await this.conversations
      .findOneAndUpdate({ _id: doc._id, memberIds: oid(user.id) }, { $addToSet: { memberIds: { $each: added.map(oid) } } }, { returnDocument: 'after' })
      .lean<ConversationDoc>();
    if (!after) throw new AppError('forbidden', 'you are not a member of this conversation');
    this.membersChanged(conversationId);
    const conversation = await this.tellMembers(after, added, user.id);
    return { conversation, memberIds: after.memberIds.map(String), added };
  }

  /**
   * Removes one person from a group or channel: they get `conversation:left`, the rest
   * `conversation:updated`. Removing oneself is leaving (`bad_request`: use leave).
   */
  async removeMember(user: User, conversationId: string, targetId: string): Promise<{ memberIds: string[] }> {
    if (targetId === user.id) throw new AppError('bad_request', 'to leave, use POST /api/conversations/:id/leave');
    const doc = await this.requireManager(user, conversationId);
    if (doc.departmentChannel) throw new AppError('bad_request', "a department channel's members follow the department");
    if (!doc.memberIds.some((id) => id.toString() === targetId)) throw new AppError('not_found', 'that person is not a member');
    const after = await this.conversations
      .findOneAndUpdate(
        { _id: doc._id, memberIds: { $all: [oid(user.id), oid(targetId)] } },
        { $pull: { memberIds: oid(targetId) } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>();
    // The caller left or the person was removed by someone else meanwhile.
    if (!after) throw new AppError('conflict', 'the members changed meanwhile; try again');
    this.membersChanged(conversationId);
    this.realtime.toUsers([targetId]).emit('conversation:left', { conversationId });
    await this.tellMembers(after, [], user.id);
    return { memberIds: after.memberIds.map(String) };
  }

  /**
   * The caller joins a channel open to them: `everyone`, or `department` when the channel's
   * department is theirs or above theirs. Already a member: nothing changes (`joined` false).
   * Department channels are joined by being in the department, not here.
   */
  async join(user: User, conversationId: string): Promise<{ conversation: Conversation; memberIds: string[]; joined: boolean }> {
    const doc = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    if (!doc) throw new AppError('not_found', 'conversation not found');
    if (doc.memberIds.some((id) => id.toString() === user.id)) {
      return { conversation: await this.viewOf(doc, user.id), memberIds: doc.memberIds.map(String), joined: false };
    }
    if (doc.kind !== 'channel' || doc.departmentChannel || !(await this.openTo(doc, user))) {
      throw new AppError('forbidden', 'this conversation is not open to you');
    }
    if (doc.memberIds.length + 1 > this.maxMembers) throw new AppError('bad_request', `a conversation has at most ${this.maxMembers} members`);
    const after = await this.conversations
      .findOneAndUpdate({ _id: doc._id }, { $addToSet: { memberIds: oid(user.id) } }, { returnDocument: 'after' })
      .lean<ConversationDoc>();
    if (!after) throw new AppError('not_found', 'conversation not found');
    this.membersChanged(conversationId);
    const conversation = await this.tellMembers(after, [user.id], user.id);
    return { conversation, memberIds: after.memberIds.map(String), joined: true };
  }

  private async openTo(doc: Pick<ConversationDoc, 'visibility' | 'departmentId'>, user: User): Promise<boolean> {
    if (doc.visibility === 'everyone') return true;
    if (doc.visibility !== 'department' || !doc.departmentId) return false;
    return (await this.directory.ancestorIds(user.departmentId)).includes(doc.departmentId.toString());
  }

  /**
   * The channels the caller may see: theirs, those open to everyone, and those open to their
   * department or one above it (at most 1,000; their department's own first, then by title).
   * Other departments' own channels are not listed: they cannot be joined. Their own department's channel is
   * created here when it does not exist yet (the first time anyone of the department looks).
   */
  async listChannels(user: User): Promise<ChannelSummary[]> {
    const ancestors = await this.directory.ancestorIds(user.departmentId);
    const read = () =>
      this.conversations
        .find(
          {
            kind: 'channel',
            $or: [
              { visibility: 'everyone' },
              { visibility: 'department', departmentId: { $in: ancestors.map(oid) } },
              { memberIds: oid(user.id) },
            ],
          },
          { title: 1, visibility: 1, departmentId: 1, departmentChannel: 1, memberIds: 1, createdAt: 1, key: 1 },
        )
        .limit(1000)
        .lean<ConversationDoc[]>();
    let docs = await read();
    if (!docs.some((d) => d.key === departmentKey(user.departmentId))) {
      await this.ensureDepartmentChannel(user.departmentId);
      docs = await read();
    }
    return docs
      // A department channel belongs to its department's people only: no one else can join it.
      .filter((d) => !d.departmentChannel || d.memberIds.some((id) => id.toString() === user.id))
      .map((d) => ({
        id: d._id.toString(),
        title: d.title,
        visibility: d.visibility ?? 'members',
        ...(d.departmentId ? { departmentId: d.departmentId.toString() } : {}),
        departmentChannel: Boolean(d.departmentChannel),
        memberCount: d.memberIds.length,
        member: d.memberIds.some((id) => id.toString() === user.id),
        createdAt: d.createdAt.toISOString(),
      }))
      .sort((a, b) => Number(b.departmentChannel) - Number(a.departmentChannel) || a.title.localeCompare(b.title, 'ja'));
  }

  /**
   * Creates the department's own channel if missing, with everyone now in the department (one
   * read of the users, one upsert), and tells the members. Titled with the department's name.
   */
  async ensureDepartmentChannel(departmentId: string): Promise<void> {
    const [department, people] = await Promise.all([
      this.directory.getDepartment(departmentId),
      this.directory.listUsers({ departmentIds: [departmentId] }),
    ]);
    const now = new Date();
    const memberIds = people.map((u) => oid(u.id));
    let before: ConversationDoc | null;
    try {
      before = await this.conversations
        .findOneAndUpdate(
          { key: departmentKey(departmentId) },
          {
            $setOnInsert: {
              kind: 'channel',
              title: department.name,
              createdBy: memberIds[0] ?? oid(departmentId),
              lastActivityAt: now,
              createdAt: now,
              visibility: 'department',
              departmentId: oid(departmentId),
              departmentChannel: true,
            },
            $addToSet: { memberIds: { $each: memberIds } },
          },
          { upsert: true, returnDocument: 'before' },
        )
        .lean<ConversationDoc>();
    } catch (err) {
      // Two first looks raced on the upsert: the other one created it with the same members.
      if (isDuplicateKey(err)) return;
      throw err;
    }
    if (before) return; // it existed (someone else just made it)
    const doc = await this.conversations.findOne({ key: departmentKey(departmentId) }).lean<ConversationDoc>();
    if (!doc) return;
    const views = await this.viewsOf(doc.memberIds.map((viewerId) => ({ doc, viewerId: viewerId.toString() })));
    for (const [conversation, viewerIds] of alike(views)) this.realtime.toUsers(viewerIds).emit('conversation:new', { conversation });
  }

  /**
   * People joined or changed departments (created, or moved by an edit): each leaves their old
   * department's channel and enters the new one's, where those channels exist. One read and one
   * bulk write of conversations for all the moves, one read of the results, one batched view;
   * then the events (left / new / updated). Returns what changed per channel, for the notices.
   */
  async followDepartments(moves: readonly DepartmentMove[]): Promise<DepartmentChannelChange[]> {
    if (moves.length === 0) return [];
    const keys = new Set<string>();
    for (const m of moves) {
      if (m.from) keys.add(departmentKey(m.from));
      keys.add(departmentKey(m.to));
    }
    const channels = await this.conversations.find({ key: { $in: [...keys] } }, { key: 1 }).lean<Pick<ConversationDoc, '_id' | 'key'>[]>();
    if (channels.length === 0) return [];
    const byKey = new Map(channels.map((c) => [c.key, c._id]));
    const changes = new Map<string, { removed: string[]; added: string[] }>();
    const changeOf = (id: Types.ObjectId) => {
      const key = id.toString();
      const change = changes.get(key) ?? { removed: [], added: [] };
      changes.set(key, change);
      return change;
    };
    for (const m of moves) {
      const from = m.from && m.from !== m.to ? byKey.get(departmentKey(m.from)) : undefined;
      const to = byKey.get(departmentKey(m.to));
      if (from) changeOf(from).removed.push(m.userId);
      if (to) changeOf(to).added.push(m.userId);
    }
    const ops: AnyBulkWriteOperation<ConversationDoc>[] = [...changes].map(([id, c]) => ({
      updateOne: {
        filter: { _id: oid(id) },
        update: c.removed.length ? { $pull: { memberIds: { $in: c.removed.map(oid) } } } : { $addToSet: { memberIds: { $each: c.added.map(oid) } } },
      },
    }));
    // One channel may lose some people and gain others in one batch: a second pass for the gains.
    for (const [id, c] of changes) {
      if (c.removed.length && c.added.length) ops.push({ updateOne: { filter: { _id: oid(id) }, update: { $addToSet: { memberIds: { $each: c.added.map(oid) } } } } });
    }
    await this.conversations.bulkWrite(ops, { ordered: true });
    const docs = await this.conversations.find({ _id: { $in: [...changes.keys()].map(oid) } }).lean<ConversationDoc[]>();
    for (const doc of docs) this.membersChanged(doc._id.toString());
    for (const doc of docs) {
      const removed = changes.get(doc._id.toString())!.removed.filter((id) => !doc.memberIds.some((m) => m.toString() === id));
      if (removed.length) this.realtime.toUsers(removed).emit('conversation:left', { conversationId: doc._id.toString() });
    }
    const views = await this.viewsOf(docs.flatMap((doc) => doc.memberIds.map((viewerId) => ({ doc, viewerId: viewerId.toString() }))));
    for (const doc of docs) {
      const id = doc._id.toString();
      const added = new Set(changes.get(id)!.added);
      const mine = views.filter((v) => v.conversation.id === id);
      for (const [conversation, viewerIds] of alike(mine.filter((v) => added.has(v.viewerId)))) this.realtime.toUsers(viewerIds).emit('conversation:new', { conversation });
      for (const [conversation, viewerIds] of alike(mine.filter((v) => !added.has(v.viewerId)))) this.realtime.toUsers(viewerIds).emit('conversation:updated', { conversation });
    }
    return docs.map((doc) => {
      const c = changes.get(doc._id.toString())!;
      return { conversationId: doc._id.toString(), removed: c.removed, added: c.added.filter((id) => !c.removed.includes(id)), memberIds: doc.memberIds.map(String) };
    });
  }

  /** Sets the caller's mute and/or favourite; their connections get `conversation:settings`. */
  async setSettings(userId: string, conversationId: string, patch: ConversationSettingsBody): Promise<ConversationSettingsEvent> {
    const conv = await this.requireMember(conversationId, userId);
    const filter = { conversationId: conv._id, userId: oid(userId) };
    const update = { $set: { ...patch }, $setOnInsert: { seq: 0 } };
    let after: ReadMarkDoc | null;
    try {
      after = await this.readMarks.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean<ReadMarkDoc>();
    } catch (err) {
      // Raced with a first read mark on the upsert; the document exists now.
      if (!isDuplicateKey(err)) throw err;
      after = await this.readMarks.findOneAndUpdate(filter, { $set: { ...patch } }, { returnDocument: 'after' }).lean<ReadMarkDoc>();
    }
    const event = { conversationId, muted: Boolean(after?.muted), favourite: Boolean(after?.favourite) };
    this.realtime.toUsers([userId]).emit('conversation:settings', event);
    return event;
  }

  /** The caller's draft of a conversation they belong to (empty when there is none). */
  async getDraft(userId: string, conversationId: string): Promise<Draft> {
    const conv = await this.requireMember(conversationId, userId);
    const doc = await this.drafts.findOne({ userId: oid(userId), conversationId: conv._id }).lean<DraftDoc>();
    return doc ? { body: doc.body, updatedAt: doc.updatedAt.toISOString() } : { body: '' };
  }

  /** Stores the caller's draft as typed; an empty one is deleted. */
  async putDraft(userId: string, conversationId: string, body: string): Promise<void> {
    const conv = await this.requireMember(conversationId, userId);
    const filter = { userId: oid(userId), conversationId: conv._id };
    if (body === '') {
      await this.drafts.deleteOne(filter);
      return;
    }
    try {
      await this.drafts.updateOne(filter, { $set: { body, updatedAt: new Date() } }, { upsert: true });
    } catch (err) {
      // Two first saves raced on the upsert: the later text wins as a plain update.
      if (!isDuplicateKey(err)) throw err;
      await this.drafts.updateOne(filter, { $set: { body, updatedAt: new Date() } });
    }
  }

  /**
   * Tells every member of a changed conversation: those in `added` get `conversation:new`, the
   * others `conversation:updated`, each with their own view, all built in one batch. Returns the
   * view of `viewerId`.
   */
  private async tellMembers(doc: ConversationDoc, added: readonly string[], viewerId: string): Promise<Conversation> {
    const isNew = new Set(added);
    const views = await this.viewsOf(doc.memberIds.map((id) => ({ doc, viewerId: id.toString() })));
    for (const [conversation, viewerIds] of alike(views.filter((v) => isNew.has(v.viewerId)))) this.realtime.toUsers(viewerIds).emit('conversation:new', { conversation });
    for (const [conversation, viewerIds] of alike(views.filter((v) => !isNew.has(v.viewerId)))) this.realtime.toUsers(viewerIds).emit('conversation:updated', { conversation });
    return views.find((v) => v.viewerId === viewerId)?.conversation ?? (await this.viewOf(doc, viewerId));
  }

  // ── membership cache and activity writes ────────────────────

  /**
   * Every write that changes the members of an existing conversation (add, remove, leave) must call
   * this after the write: it drops the cached membership here and, with REDIS_URL, in every other
   * process, so the next send, read or typing signal sees the new members.
   */
  membersChanged(conversationId: string): void {
    this.membership.drop(conversationId);
    if (this.config.REDIS_URL) this.realtime.io.serverSideEmit('conversation:membersChanged', conversationId);
  }

  /** Writes the activity still gathered, so a clean shutdown loses none. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flushActivity();
    await Promise.all(this.activityWrites);
  }

  /** Writes the activity gathered so far now (stop() uses it; tests wait on it to see stored times). */
  async flushActivity(): Promise<void> {
    clearTimeout(this.activityTimer);
    this.activityTimer = undefined;
    if (this.pendingActivity.size === 0) return;
    const ops = [...this.pendingActivity].map(([id, at]) => ({
      updateOne: { filter: { _id: oid(id) }, update: { $max: { lastActivityAt: at } } },
    }));
    this.pendingActivity.clear();
    // $max makes the writes commutative: two windows in flight at once cannot lower a time.
    // The driver's bulkWrite: the operations are built here from checked values, so mongoose's
    // casting of each one would only cost time.
    const write = this.conversations.collection.bulkWrite(ops, { ordered: false }).then(
      () => undefined,
      (err: Error) => log.error({ err: err.message }, 'conversation activity write failed'),
    );
    this.activityWrites.add(write);
    await write;
    this.activityWrites.delete(write);
  }

  private async loadMembership(conversationId: string): Promise<Membership | null> {
    const doc = await this.conversations
      .findById(conversationId, { kind: 1, memberIds: 1, closedAt: 1 })
      .lean<Pick<ConversationDoc, '_id' | 'kind' | 'memberIds' | 'closedAt'>>();
    if (!doc) return null;
    const memberIds = doc.memberIds.map(String);
    return { _id: doc._id, kind: doc.kind, memberIds, members: new Set(memberIds), ...(doc.closedAt ? { closed: true } : {}) };
  }

  // ── batched reads for server/sync ───────────────────────────
  // Added for the one-request resync (server/sync/README.md). Deliberately separate from
  // listFor/toDto (being rewritten to be batched): one round trip per collection, whatever the
  // number of conversations. Once toDto is batched, viewsFor can delegate to it.

  /** The caller's conversations (at most 1,000, latest activity first) with every read mark of each. */
  async syncStatesOf(userId: string): Promise<ConversationSyncState[]> {
    return (await this.syncStatesOfMany([userId])).get(userId) ?? [];
  }

  /**
   * `syncStatesOf` for several people at once (server/sync gathers the syncs of a reconnect storm):
   * still one read of `conversations` and one of `readmarks`, for all of them. Each person's list
   * is their first 1,000 by latest activity, as alone.
   */
  async syncStatesOfMany(userIds: readonly string[]): Promise<Map<string, ConversationSyncState[]>> {
    const out = new Map<string, ConversationSyncState[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const docs = await this.conversations
      .find({ memberIds: userIds.length === 1 ? oid(userIds[0]!) : { $in: userIds.map(oid) } }, { kind: 1, title: 1, memberIds: 1, closedAt: 1 })
      .sort({ lastActivityAt: -1 })
      .limit(1000 * userIds.length)
      .lean<Pick<ConversationDoc, '_id' | 'kind' | 'title' | 'memberIds' | 'closedAt'>[]>();
    if (docs.length === 0) return out;
    // The read hit its limit: someone's list may be cut by others' older conversations. Rare (over
    // ~1,000 conversations each): then each person is read alone, as before the batching.
    if (userIds.length > 1 && docs.length >= 1000 * userIds.length) {
      const alone = await Promise.all(userIds.map((id) => this.syncStatesOfMany([id])));
      return new Map(alone.flatMap((m) => [...m]));
    }
    const marks = await this.readMarks
      .find({ conversationId: { $in: docs.map((d) => d._id) } }, { conversationId: 1, userId: 1, seq: 1, muted: 1, favourite: 1 })
      .lean<ReadMarkDoc[]>();
    const byConversation = new Map<string, Record<string, number>>();
    // Mute and favourite of the people asking only (the tag holds the caller's own settings).
    const asking = new Set(userIds);
    const settings = new Map<string, Settings>();
    for (const m of marks) {
      const id = m.conversationId.toString();
      const userId = m.userId.toString();
      const seqs = byConversation.get(id) ?? {};
      seqs[userId] = m.seq;
      byConversation.set(id, seqs);
      if (asking.has(userId)) settings.set(`${id}:${userId}`, { muted: Boolean(m.muted), favourite: Boolean(m.favourite) });
    }
    for (const d of docs) {
      const id = d._id.toString();
      const memberIds = d.memberIds.map(String);
      for (const userId of memberIds) {
        const list = out.get(userId);
        if (!list || list.length >= 1000) continue;
        const mine = settings.get(`${id}:${userId}`);
        list.push({
          id,
          kind: d.kind,
          title: d.title ?? '',
          memberIds,
          readSeqs: byConversation.get(id) ?? {},
          ...(mine?.muted ? { muted: true } : {}),
          ...(mine?.favourite ? { favourite: true } : {}),
          ...(d.closedAt ? { closed: true } : {}),
        });
      }
    }
    return out;
  }

  /**
   * The viewer's DTOs of these conversations (the same as getFor gives), skipping any the viewer
   * is not a member of, latest activity first: one read of the conversations, then `viewsOf`.
   */
  async viewsFor(viewerId: string, conversationIds: readonly string[]): Promise<Conversation[]> {
    return (await this.viewsForMany([{ viewerId, conversationIds }])).get(viewerId) ?? [];
  }

  /**
   * `viewsFor` for several viewers at once (server/sync gathers concurrent syncs): one read of the
   * conversations for all of them, then one `viewsOf`. Membership is checked on the documents read,
   * so a viewer gets only conversations they are a member of now.
   */
  async viewsForMany(wanted: readonly { viewerId: string; conversationIds: readonly string[] }[]): Promise<Map<string, Conversation[]>> {
    const out = new Map<string, Conversation[]>(wanted.map((w) => [w.viewerId, []]));
    const ids = [...new Set(wanted.flatMap((w) => w.conversationIds))];
    if (ids.length === 0) return out;
    const docs = await this.conversations.find({ _id: { $in: ids.map(oid) } }).lean<ConversationDoc[]>();
    const byId = new Map(docs.map((d) => [d._id.toString(), d]));
    const pairs: { doc: ConversationDoc; viewerId: string }[] = [];
    for (const { viewerId, conversationIds } of wanted) {
      for (const id of new Set(conversationIds)) {
        const doc = byId.get(id);
        if (doc && doc.memberIds.some((m) => m.toString() === viewerId)) pairs.push({ doc, viewerId });
      }
    }
    const at = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
    for (const { viewerId, conversation } of await this.viewsOf(pairs)) out.get(viewerId)!.push(conversation);
    for (const list of out.values()) list.sort((a, b) => at(b).localeCompare(at(a)));
    return out;
  }

  /** The ids of every conversation the user is a member of (server/search's scope): one id-only read. */
  async conversationIdsOf(userId: string): Promise<Types.ObjectId[]> {
    const docs = await this.conversations.find({ memberIds: oid(userId) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return docs.map((d) => d._id);
  }

  /** Every stored read mark of one conversation, by user id, in one query (a message's readers list). */
  async readMarksOf(conversationId: string): Promise<Map<string, number>> {
    const marks = await this.readMarks
      .find({ conversationId: oid(conversationId) }, { userId: 1, seq: 1 })
      .lean<Pick<ReadMarkDoc, 'userId' | 'seq'>[]>();
    return new Map(marks.map((m) => [m.userId.toString(), m.seq]));
  }
}

/** What server/sync compares to tell whether a conversation changed for a returning client. */
/** What following departments changed in one department channel. */
export interface DepartmentChannelChange {
  conversationId: string;
  removed: string[];
  added: string[];
  /** Its members after the change. */
  memberIds: string[];
}

/** The unique key of a department's own channel. */
export const departmentKey = (departmentId: string) => `dept:${departmentId}`;

export interface ConversationSyncState {
  id: string;
  kind: string;
  title: string;
  memberIds: string[];
  /** Every stored read mark of the conversation, by user id. */
  readSeqs: Record<string, number>;
  /** The caller's own settings (issue 9), present only when true: part of the sync state tag. */
  muted?: boolean;
  favourite?: boolean;
  /** An ended meeting's conversation (issue 10), present only when true: part of the sync state tag. */
  closed?: boolean;
}

function toConversation(
  doc: ConversationDoc,
  viewerId: string,
  lastMessage: Message | undefined,
  marks: Map<string, number> | undefined,
  names: Map<string, string>,
  myLastReadSeq: number,
  unreadCount: number,
): Conversation {
  const memberIds = doc.memberIds.map(String);
  const readSeqs: Record<string, number> = {};
  for (const id of memberIds) readSeqs[id] = marks?.get(id) ?? 0;
  return {
    id: doc._id.toString(),
    kind: doc.kind,
    title: doc.title || titleFor(memberIds, names, viewerId),
    memberIds,
    lastSeq: lastMessage?.seq ?? 0,
    ...(lastMessage ? { lastMessage } : {}),
    unreadCount,
    myLastReadSeq,
    readSeqs,
    createdAt: doc.createdAt.toISOString(),
    activityAt: doc.lastActivityAt.toISOString(),
    createdBy: doc.createdBy.toString(),
    ...(doc.kind === 'channel' ? { visibility: doc.visibility ?? 'members' } : {}),
    ...(doc.departmentId ? { departmentId: doc.departmentId.toString() } : {}),
    ...(doc.departmentChannel ? { departmentChannel: true } : {}),
    ...(doc.kind === 'meeting' && doc.key.startsWith('meeting:') ? { meetingId: doc.key.slice('meeting:'.length) } : {}),
    ...(doc.closedAt ? { closedAt: doc.closedAt.toISOString() } : {}),
  };
}

/** A member's own mute and favourite (issue 9); each appears in the view only when true. */
interface Settings {
  muted: boolean;
  favourite: boolean;
}

function withSettings(conversation: Conversation, settings: Settings | undefined): Conversation {
  if (!settings) return conversation;
  return { ...conversation, ...(settings.muted ? { muted: true } : {}), ...(settings.favourite ? { favourite: true } : {}) };
}

/**
 * Viewers who see the same thing, each group with one of their views. Only the title, the read
 * mark and the unread count differ between viewers (toConversation), and most members share them
 * (a new conversation: everyone but the first few members), so a conversation of n members is
 * encoded a handful of times, not n times — its size grows with n, so n copies would be n².
 */
function alike(views: readonly { viewerId: string; conversation: Conversation }[]): Map<Conversation, string[]> {
  const groups = new Map<string, { conversation: Conversation; viewerIds: string[] }>();
  for (const { viewerId, conversation: c } of views) {
    const key = `${c.title}\u0000${c.myLastReadSeq}\u0000${c.unreadCount}\u0000${c.muted ? 1 : 0}${c.favourite ? 1 : 0}\u0000${c.mentionCount ?? 0}`;
    const group = groups.get(key);
    if (group) group.viewerIds.push(viewerId);
    else groups.set(key, { conversation: c, viewerIds: [viewerId] });
  }
  return new Map([...groups.values()].map((g) => [g.conversation, g.viewerIds]));
}

/** A list position: the conversation's activity time (ms) and id. */
function cursorOf(doc: ConversationDoc): string {
  return `${doc.lastActivityAt.getTime()}_${doc._id.toString()}`;
}

function parseCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const [ms, id] = cursor.split('_') as [string, string];
  return { at: new Date(Number(ms)), id: oid(id) };
}

/**
 * The members whose names a title may need: none for a titled group; the first four of a dm or
 * an untitled group, which hold the first three that are not the viewer, whoever views it.
 */
function titleMemberIds(doc: ConversationDoc): string[] {
  if (doc.kind !== 'dm' && doc.title) return [];
  return doc.memberIds.slice(0, 4).map(String);
}

/** A dm is titled with the other person's name; an untitled group with its first members' names. */
function titleFor(memberIds: readonly string[], names: Map<string, string>, viewerId: string): string {
  const others = memberIds.filter((id) => id !== viewerId);
  const shown = others.slice(0, 3).map((id) => names.get(id)).filter((n): n is string => Boolean(n));
  if (others.length <= 3) return shown.join('、');
  return `${shown.join('、')} 他${others.length - 3}名`;
}
