import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Conversation, CreateConversationBody } from '../../shared/schemas/conversations.js';
import type { Config } from '../config.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import type { Realtime } from '../realtime.js';
import { conversationModel, type ConversationDoc } from './conversation.model.js';
import { MembershipCache, type Membership } from './membership-cache.js';
import { readMarkModel, type ReadMarkDoc } from './readmark.model.js';

const oid = (id: string) => new Types.ObjectId(id);

/** Conversations, their members and read marks. The only writer of `conversations` and `readmarks`. */
export class ConversationsService {
  private readonly conversations: Model<ConversationDoc>;
  private readonly readMarks: Model<ReadMarkDoc>;
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
  ) {
    this.conversations = conversationModel(conn);
    this.readMarks = readMarkModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.conversations.createIndexes(), this.readMarks.createIndexes()]);
    if (this.config.REDIS_URL) {
      // Another process changed a conversation's members: our cached copy is stale.
      this.realtime.io.on('conversation:membersChanged', (conversationId) => {
        if (typeof conversationId === 'string') this.membership.drop(conversationId);
      });
    }
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

  private async checkCreate(creator: User, input: CreateConversationBody): Promise<string[]> {
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.id);
    if (others.length === 0) throw new AppError('bad_request', 'name at least one other person');
    if (input.kind === 'channel' && creator.role === 'staff') {
      throw new AppError('forbidden', 'only supervisors and admins open channels');
    }
    const found = await this.directory.getUsers(others);
    if (found.length !== others.length) throw new AppError('not_found', 'a member does not exist');
    return [creator.id, ...others];
  }

  // ── do ──────────────────────────────────────────────────────

  /** Creates a conversation (or returns the existing dm of the pair) and tells its members. */
  async create(creator: User, input: CreateConversationBody): Promise<{ conversation: Conversation; created: boolean }> {
    const memberIds = await this.checkCreate(creator, input);
    const _id = new Types.ObjectId();
    const key = input.kind === 'dm' ? `dm:${[...memberIds].sort().join(':')}` : `${input.kind}:${_id}`;
    const existing = input.kind === 'dm' ? await this.conversations.findOne({ key }).lean<ConversationDoc>() : null;
    if (existing) return { conversation: await this.toDto(existing, creator.id), created: false };

    const now = new Date();
    try {
      await this.conversations.create({
        _id,
        kind: input.kind,
        title: input.kind === 'dm' ? '' : (input.title ?? ''),
        memberIds: memberIds.map(oid),
        key,
        createdBy: oid(creator.id),
        lastActivityAt: now,
        createdAt: now,
      });
    } catch (err) {
      // Two requests for the same dm raced; the other one won: return its conversation.
      if (isDuplicateKey(err)?.includes('key')) {
        const winner = await this.conversations.findOne({ key }).lean<ConversationDoc>();
        if (winner) return { conversation: await this.toDto(winner, creator.id), created: false };
      }
      throw err;
    }
    const doc = (await this.conversations.findById(_id).lean<ConversationDoc>())!;
    await Promise.all(
      memberIds.map(async (memberId) =>
        this.realtime.toUsers([memberId]).emit('conversation:new', { conversation: await this.toDto(doc, memberId) }),
      ),
    );
    return { conversation: await this.toDto(doc, creator.id), created: true };
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

  async listFor(userId: string): Promise<Conversation[]> {
    const docs = await this.conversations
      .find({ memberIds: oid(userId) })
      .sort({ lastActivityAt: -1 })
      .limit(1000)
      .lean<ConversationDoc[]>();
    const dtos = await Promise.all(docs.map((d) => this.toDto(d, userId)));
    const activity = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
    return dtos.sort((a, b) => activity(b).localeCompare(activity(a)));
  }

  async getFor(conversationId: string, userId: string): Promise<Conversation> {
    await this.requireMember(conversationId, userId);
    const doc = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    if (!doc) throw new AppError('not_found', 'conversation not found');
    return this.toDto(doc, userId);
  }

  private async toDto(doc: ConversationDoc, viewerId: string): Promise<Conversation> {
    const id = doc._id.toString();
    const memberIds = doc.memberIds.map(String);
    const [lastMessage, marks, members] = await Promise.all([
      this.messages.latest(id),
      this.readMarks.find({ conversationId: doc._id }).lean<ReadMarkDoc[]>(),
      doc.kind === 'dm' || !doc.title ? this.directory.getUsers(memberIds) : Promise.resolve([]),
    ]);
    const readSeqs: Record<string, number> = {};
    for (const id of memberIds) readSeqs[id] = 0;
    for (const m of marks) readSeqs[m.userId.toString()] = m.seq;
    const myLastReadSeq = readSeqs[viewerId] ?? 0;
    return {
      id,
      kind: doc.kind,
      title: doc.title || titleFor(members, viewerId),
      memberIds,
      lastSeq: lastMessage?.seq ?? 0,
      ...(lastMessage ? { lastMessage } : {}),
      unreadCount: lastMessage && lastMessage.seq > myLastReadSeq ? await this.messages.countUnread(id, viewerId, myLastReadSeq) : 0,
      myLastReadSeq,
      readSeqs,
      createdAt: doc.createdAt.toISOString(),
    };
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

  private async flushActivity(): Promise<void> {
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
      (err: Error) => console.error('[conversations] activity write failed:', err.message),
    );
    this.activityWrites.add(write);
    await write;
    this.activityWrites.delete(write);
  }

  private async loadMembership(conversationId: string): Promise<Membership | null> {
    const doc = await this.conversations
      .findById(conversationId, { kind: 1, memberIds: 1 })
      .lean<Pick<ConversationDoc, '_id' | 'kind' | 'memberIds'>>();
    if (!doc) return null;
    const memberIds = doc.memberIds.map(String);
    return { _id: doc._id, kind: doc.kind, memberIds, members: new Set(memberIds) };
  }
}

/** A dm is titled with the other person's name; an untitled group with its members' names. */
function titleFor(members: User[], viewerId: string): string {
  const others = members.filter((m) => m.id !== viewerId).map((m) => m.name);
  if (others.length <= 3) return others.join('、');
  return `${others.slice(0, 3).join('、')} 他${others.length - 3}名`;
}
