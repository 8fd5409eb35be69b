import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Conversation, CreateConversationBody } from '../../shared/schemas/conversations.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { MessageQueries } from '../messaging/message.queries.js';
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
}

/** A dm is titled with the other person's name; an untitled group with its members' names. */
function titleFor(members: User[], viewerId: string): string {
  const others = members.filter((m) => m.id !== viewerId).map((m) => m.name);
  if (others.length <= 3) return others.join('、');
  return `${others.slice(0, 3).join('、')} 他${others.length - 3}名`;
}
