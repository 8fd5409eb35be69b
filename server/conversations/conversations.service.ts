import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Conversation, CreateConversationBody } from '../../shared/schemas/conversations.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { toMessageDto, type MessageQueries } from '../messaging/message.queries.js';
import type { MessageDoc } from '../messaging/message.model.js';
import type { Realtime } from '../realtime.js';
import { conversationModel, type ConversationDoc } from './conversation.model.js';
import { readMarkModel, type ReadMarkDoc } from './readmark.model.js';

const oid = (id: string) => new Types.ObjectId(id);

/** Conversations, their members and read marks. The only writer of `conversations` and `readmarks`. */
export class ConversationsService {
  private readonly conversations: Model<ConversationDoc>;
  private readonly readMarks: Model<ReadMarkDoc>;

  constructor(
    conn: Connection,
    private readonly directory: DirectoryService,
    private readonly messages: MessageQueries,
    private readonly realtime: Realtime,
  ) {
    this.conversations = conversationModel(conn);
    this.readMarks = readMarkModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.conversations.createIndexes(), this.readMarks.createIndexes()]);
  }

  // ── check ───────────────────────────────────────────────────

  /** The conversation if the user is a member: 404 if there is none, 403 if not theirs. */
  async requireMember(conversationId: string, userId: string): Promise<ConversationDoc> {
    const doc = await this.conversations.findById(conversationId).lean<ConversationDoc>();
    if (!doc) throw new AppError('not_found', 'conversation not found');
    if (!doc.memberIds.some((m) => m.toString() === userId)) {
      throw new AppError('forbidden', 'you are not a member of this conversation');
    }
    return doc;
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

  /** Called by messaging after a message is stored: keeps the list ordered by activity. */
  async noteActivity(conversationId: string, at: Date): Promise<void> {
    await this.conversations.updateOne({ _id: oid(conversationId) }, { $max: { lastActivityAt: at } });
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
    return this.toDto(await this.requireMember(conversationId, userId), userId);
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

  // ── batched reads for server/sync ───────────────────────────
  // Added for the one-request resync (server/sync/README.md). Deliberately separate from
  // listFor/toDto (being rewritten to be batched): one round trip per collection, whatever the
  // number of conversations. Once toDto is batched, viewsFor can delegate to it.

  /** The caller's conversations (at most 1,000, latest activity first) with every read mark of each. */
  async syncStatesOf(userId: string): Promise<ConversationSyncState[]> {
    const docs = await this.conversations
      .find({ memberIds: oid(userId) }, { kind: 1, title: 1, memberIds: 1 })
      .sort({ lastActivityAt: -1 })
      .limit(1000)
      .lean<Pick<ConversationDoc, '_id' | 'kind' | 'title' | 'memberIds'>[]>();
    if (docs.length === 0) return [];
    const marks = await this.readMarks
      .find({ conversationId: { $in: docs.map((d) => d._id) } }, { conversationId: 1, userId: 1, seq: 1 })
      .lean<ReadMarkDoc[]>();
    const byConversation = new Map<string, Record<string, number>>();
    for (const m of marks) {
      const id = m.conversationId.toString();
      const seqs = byConversation.get(id) ?? {};
      seqs[m.userId.toString()] = m.seq;
      byConversation.set(id, seqs);
    }
    return docs.map((d) => ({
      id: d._id.toString(),
      kind: d.kind,
      title: d.title ?? '',
      memberIds: d.memberIds.map(String),
      readSeqs: byConversation.get(d._id.toString()) ?? {},
    }));
  }

  /**
   * The viewer's DTOs of these conversations (the same as getFor gives), skipping any the viewer
   * is not a member of, in one round trip per collection: conversations, read marks, users (for
   * untitled ones), the latest message of each, and the unread counts.
   */
  async viewsFor(viewerId: string, conversationIds: readonly string[]): Promise<Conversation[]> {
    if (conversationIds.length === 0) return [];
    const docs = await this.conversations
      .find({ _id: { $in: conversationIds.map(oid) }, memberIds: oid(viewerId) })
      .lean<ConversationDoc[]>();
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    const untitled = [...new Set(docs.filter((d) => d.kind === 'dm' || !d.title).flatMap((d) => d.memberIds.map(String)))];
    const [marks, latest, users] = await Promise.all([
      this.readMarks.find({ conversationId: { $in: ids } }).lean<ReadMarkDoc[]>(),
      // Walks the {conversationId, seq} index backwards: the first entry of each conversation is its latest.
      this.messages.messages.aggregate<{ _id: Types.ObjectId; doc: MessageDoc }>([
        { $match: { conversationId: { $in: ids } } },
        { $sort: { conversationId: -1, seq: -1 } },
        { $group: { _id: '$conversationId', doc: { $first: '$$ROOT' } } },
      ]),
      untitled.length ? this.directory.getUsers(untitled) : Promise.resolve([] as User[]),
    ]);
    const latestOf = new Map(latest.map((l) => [l._id.toString(), toMessageDto(l.doc)]));
    const readSeqsOf = new Map<string, Record<string, number>>();
    for (const d of docs) readSeqsOf.set(d._id.toString(), Object.fromEntries(d.memberIds.map((m) => [m.toString(), 0])));
    for (const m of marks) readSeqsOf.get(m.conversationId.toString())![m.userId.toString()] = m.seq;
    const unread = docs
      .map((d) => ({ id: d._id, after: readSeqsOf.get(d._id.toString())![viewerId] ?? 0, last: latestOf.get(d._id.toString())?.seq ?? 0 }))
      .filter((u) => u.last > u.after);
    const counts = unread.length
      ? await this.messages.messages.aggregate<{ _id: Types.ObjectId; n: number }>([
          {
            $match: {
              $or: unread.map((u) => ({ conversationId: u.id, seq: { $gt: u.after } })),
              senderId: { $ne: oid(viewerId) },
              deletedAt: { $exists: false },
            },
          },
          { $group: { _id: '$conversationId', n: { $sum: 1 } } },
        ])
      : [];
    const unreadOf = new Map(counts.map((c) => [c._id.toString(), c.n]));
    const userById = new Map(users.map((u) => [u.id, u]));
    const dtos = docs.map((doc): Conversation => {
      const id = doc._id.toString();
      const memberIds = doc.memberIds.map(String);
      const lastMessage = latestOf.get(id);
      const readSeqs = readSeqsOf.get(id)!;
      const members = doc.kind === 'dm' || !doc.title ? memberIds.flatMap((m) => userById.get(m) ?? []) : [];
      return {
        id,
        kind: doc.kind,
        title: doc.title || titleFor(members, viewerId),
        memberIds,
        lastSeq: lastMessage?.seq ?? 0,
        ...(lastMessage ? { lastMessage } : {}),
        unreadCount: unreadOf.get(id) ?? 0,
        myLastReadSeq: readSeqs[viewerId] ?? 0,
        readSeqs,
        createdAt: doc.createdAt.toISOString(),
      };
    });
    const activity = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
    return dtos.sort((a, b) => activity(b).localeCompare(activity(a)));
  }
}

/** What server/sync compares to tell whether a conversation changed for a returning client. */
export interface ConversationSyncState {
  id: string;
  kind: string;
  title: string;
  memberIds: string[];
  /** Every stored read mark of the conversation, by user id. */
  readSeqs: Record<string, number>;
}

/** A dm is titled with the other person's name; an untitled group with its members' names. */
function titleFor(members: User[], viewerId: string): string {
  const others = members.filter((m) => m.id !== viewerId).map((m) => m.name);
  if (others.length <= 3) return others.join('、');
  return `${others.slice(0, 3).join('、')} 他${others.length - 3}名`;
}
