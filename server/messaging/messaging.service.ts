import { randomUUID } from 'node:crypto';
import { Types, type Connection, type Model } from 'mongoose';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { Readers } from '../../shared/schemas/mentions.js';
import type { ListMessagesQuery, Message, MessagePage, MessageSendPayload, SystemEvent } from '../../shared/schemas/conversations.js';
import type { Config } from '../config.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { isDuplicateKey } from '../db/errors.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { FilesService } from '../files/files.service.js';
import type { Realtime } from '../realtime.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import type { Limiters } from '../lib/limiter.js';
import { checkChosenMentions, checkMentionAll, findMentions } from './mentions.js';
import { systemClock, type Clock } from '../clock.js';
import { MessageActionsService } from './actions.service.js';
import { factsOf } from './message-facts.js';
import { messageModel, WITHOUT_SEARCH_FIELDS, type MessageDoc } from './message.model.js';
import { searchFieldsOf } from '../search/search-fields.js';
import { SearchBackfill } from './search-backfill.js';
import type { Logger } from '../log.js';
import { toMessageDto } from './message.queries.js';
import type { RecordPage, RecordQuery } from '../../shared/schemas/record-export.js';

const oid = (id: string) => new Types.ObjectId(id);
const MAX_SEQ_ATTEMPTS = 100;

/**
 * Sending and reading messages. The only writer of the `messages` collection.
 * See README.md beside this file for the guarantees and how they hold.
 */
export class MessagingService {
  private readonly messages: Model<MessageDoc>;
  private readonly queue = new KeyedQueue();
  /** Highest seq this process stored per conversation: one number per active conversation. */
  private readonly lastSeqHint = new Map<string, number>();
  private readonly rate: RateLimiterAbstract;
  private readonly config: Config;
  /** Edit, take back, react, pin, confirm, remind (actions.service.ts). */
  readonly actions: MessageActionsService;
  /** Gives messages stored before search existed their search fields (search-backfill.ts). */
  readonly searchBackfill: SearchBackfill;

  constructor(
    conn: Connection,
    config: Config,
    private readonly conversations: ConversationsService,
    private readonly directory: DirectoryService,
    private readonly realtime: Realtime,
    limiters: Limiters,
    private readonly files: FilesService,
    clock: Clock = systemClock,
  ) {
    this.config = config;
    this.messages = messageModel(conn);
    this.actions = new MessageActionsService(conn, config, conversations, directory, realtime, files, clock);
    this.searchBackfill = new SearchBackfill(conn, this.messages);
    this.rate = limiters.create({ name: 'send', points: config.MESSAGE_RATE_LIMIT, durationS: config.MESSAGE_RATE_WINDOW_S });
  }

  async init(): Promise<void> {
    await Promise.all([this.messages.createIndexes(), this.actions.init()]);
  }

  /** Older messages become searchable in the background (search-backfill.ts). */
  async startSearchBackfill(logger: Logger): Promise<void> {
    await this.searchBackfill.start(logger);
  }

  async stop(): Promise<void> {
    await this.searchBackfill.stop();
  }

  /**
   * Stores a message and broadcasts it to every member's connections, then acknowledges.
   * A retry with the same clientMsgId returns the stored message and broadcasts nothing.
   *
   * The path the sender waits for makes one database command in the steady state, the insert:
   * membership comes from the conversations' cache, the next seq from this process's hint, a retry
   * is recognised by the unique {senderId, clientMsgId} index refusing the insert, and the
   * conversation's activity is written after the acknowledgement, batched.
   */
  async send(sender: User, input: MessageSendPayload): Promise<{ message: Message; created: boolean }> {
    // check: membership, rate (a retry of a stored message is answered even when over the rate)
    const conv = await this.conversations.requireMember(input.conversationId, sender.id);
    // An ended meeting is read-only (server/meetings); known from the cached membership, no read.
    if (conv.closed) throw new AppError('forbidden', '終了した打ち合わせには送信できません');
    // Chosen mentions and @全員 are checked before the rate point is taken: a refusal costs nothing.
    const chosen = input.mentions ? checkChosenMentions(input.mentions, conv.members) : undefined;
    if (input.mentionsAll) checkMentionAll(sender, conv.memberIds.length, this.config.MENTION_ALL_MAX_MEMBERS);
    const overRate = await this.rate.consume(sender.id).then(
      () => false,
      () => true,
    );
    if (overRate) {
      const retried = await this.findRetry(sender.id, input);
      if (retried) return { message: retried, created: false };
      throw new AppError('rate_limited', 'you are sending too fast; wait a moment');
    }
    // Mentions: the ids the sender chose (checked against the cached members), or for a client
    // that sends none, `@loginId` tokens, which need the members' login ids; most mention no one.
    const mentions = (
      chosen ??
      (input.body.includes('@') ? findMentions(input.body, await this.directory.getUsers(conv.memberIds)) : [])
    ).map(oid);
    // A reply stores a snippet of its original (of the same conversation): one read, replies only.
    const replyTo = input.replyToId ? await this.actions.replyToFor(input.conversationId, input.replyToId) : undefined;
    // Files (server/files): one read for all of them — the sender's own uploads to this
    // conversation, not sent with another message; a send without files reads nothing more.
    const files = input.fileIds?.length ? await this.files.forSend(sender.id, input.conversationId, input.fileIds, input.clientMsgId) : undefined;

    // do: store with the next seq, then tell the members
    let stored: MessageDoc;
    let message: Message;
    try {
      // Store and broadcast inside the conversation's queue, so events leave in seq order.
      ({ stored, message } = await this.queue.run(input.conversationId, async () => {
        const doc = await this.insertWithNextSeq({
          conversationId: conv._id,
          senderId: oid(sender.id),
          body: input.body,
          clientMsgId: input.clientMsgId,
          mentions,
          ...(input.mentionsAll ? { mentionsAll: true } : {}),
          ...(replyTo ? { replyTo } : {}),
          ...(input.ackRequested ? { ackRequested: true, ackCount: 0 } : {}),
          ...(files ? { files } : {}),
          // Findable at once (server/search): its text and its files' names, normalised and cut into n-grams.
          ...searchFieldsOf(input.body, files?.map((f) => f.name)),
        } as Omit<MessageDoc, '_id' | 'seq' | 'createdAt'>);
        // The files become the message's before anyone hears of it: members fetch thumbnails at once.
        // Should that write fail, the message (stored) is still announced, and the sender is told to
        // retry: the retry marks the files (findRetry).
        let unmarked: unknown;
        if (files) await this.files.markAttached(files.map((f) => f.id), doc).catch((err: unknown) => (unmarked = err ?? new Error('marking failed')));
        this.actions.facts.remember(doc._id.toHexString(), factsOf(doc));
        const dto = toMessageDto(doc);
        this.realtime.toUsers(conv.memberIds).emit('message:new', { message: dto });
        if (unmarked) throw unmarked;
        return { stored: doc, message: dto };
      }));
    } catch (err) {
      // The index holds a message with this clientMsgId already: an earlier attempt (or the same
      // send arriving twice at once). Answer it as a retry, which costs no rate point.
      if (isDuplicateKey(err)?.includes('clientMsgId')) {
        await this.rate.reward(sender.id).catch(() => undefined);
        const earlier = await this.findRetry(sender.id, input);
        if (earlier) return { message: earlier, created: false };
      }
      throw err;
    }
    this.conversations.noteActivity(input.conversationId, stored.createdAt);
    return { message, created: true };
  }

  /** The stored message of an earlier attempt; `conflict` if that attempt said something else. */
  private async findRetry(senderId: string, input: MessageSendPayload): Promise<Message | null> {
    const doc = await this.messages.collection.findOne<MessageDoc>(
      { senderId: oid(senderId), clientMsgId: input.clientMsgId },
      { projection: WITHOUT_SEARCH_FIELDS },
    );
    if (!doc) return null;
    const sameFiles = (doc.files ?? []).map((f) => String(f.id)).join() === (input.fileIds ?? []).join();
    if (doc.conversationId.toString() !== input.conversationId || doc.body !== input.body || !sameFiles) {
      throw new AppError('conflict', 'this clientMsgId was already used for a different message');
    }
    // An earlier attempt may have stored the message and stopped before its files were marked.
    if (doc.files?.length && !doc.deletedAt) await this.files.markAttached(doc.files.map((f) => f.id), doc);
    return toMessageDto(doc);
  }

  /**
   * Takes seq = (highest stored seq) + 1 and inserts; if another writer took that seq first the
   * unique index refuses the insert and we try the next one. A seq is only ever "used" by a stored
   * message, so a crash at any point leaves no hole.
   *
   * The document is built here and inserted with the driver: its fields come from validated input
   * and our own code, so mongoose's document construction and validation would only cost time.
   */
  private async insertWithNextSeq(fields: Omit<MessageDoc, '_id' | 'seq' | 'createdAt'>): Promise<MessageDoc> {
    const key = fields.conversationId.toString();
    for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
      // The last seq this process stored is only a hint; the unique index is the authority.
      let last = this.lastSeqHint.get(key);
      if (last === undefined || attempt > 0) {
        const top = await this.messages.collection.findOne<{ seq: number }>(
          { conversationId: fields.conversationId },
          { projection: { _id: 0, seq: 1 }, sort: { seq: -1 } },
        );
        last = top?.seq ?? 0;
      }
      const doc = { _id: new Types.ObjectId(), ...fields, seq: last + 1, createdAt: new Date() } as MessageDoc;
      try {
        await this.messages.collection.insertOne(doc);
        this.lastSeqHint.set(key, doc.seq);
        return doc;
      } catch (err) {
        const keys = isDuplicateKey(err);
        // A refused clientMsgId used no seq: the hint still holds, and the caller answers the retry.
        if (keys?.includes('clientMsgId')) throw err;
        this.lastSeqHint.delete(key);
        if (keys?.includes('seq')) continue;
        throw err;
      }
    }
    throw new AppError('unavailable', 'the conversation is too busy; try again');
  }

  /** A page of history in ascending seq. */
  async list(userId: string, conversationId: string, query: ListMessagesQuery): Promise<MessagePage> {
    await this.conversations.requireMember(conversationId, userId);
    const limit = query.limit ?? 50;
    const seq: Record<string, number> = {};
    if (query.after !== undefined) seq.$gt = query.after;
    if (query.before !== undefined) seq.$lt = query.before;
    const filter = { conversationId: oid(conversationId), ...(Object.keys(seq).length ? { seq } : {}) };
    // With `after`, read forwards from it; otherwise the newest page (below `before`, if given).
    const forwards = query.after !== undefined;
    const docs = await this.messages
      .find(filter, WITHOUT_SEARCH_FIELDS)
      .sort({ seq: forwards ? 1 : -1 })
      .limit(limit + 1)
      .lean<MessageDoc[]>();
    const hasMore = docs.length > limit;
    const page = docs.slice(0, limit);
    if (!forwards) page.reverse();
    return { messages: page.map(toMessageDto), hasMore };
  }

  /**
   * For the record (public-records duty; admins only, checked by the route): a conversation's
   * messages as stored, with every earlier text of an edited message and the text of a taken-back
   * one — what no member's view shows. Paged by seq, one query per page.
   */
  async record(conversationId: string, query: RecordQuery): Promise<RecordPage> {
    await this.conversations.requireExists(conversationId);
    const limit = query.limit ?? 500;
    const docs = await this.messages
      .find({ conversationId: oid(conversationId), seq: { $gt: query.after ?? 0 } }, WITHOUT_SEARCH_FIELDS)
      .sort({ seq: 1 })
      .limit(limit + 1)
      .lean<MessageDoc[]>();
    const page = docs.slice(0, limit);
    return {
      conversationId,
      hasMore: docs.length > limit,
      messages: page.map((d) => ({
        id: d._id.toHexString(),
        seq: d.seq,
        senderId: d.senderId.toHexString(),
        createdAt: d.createdAt.toISOString(),
        body: d.body,
        ...(d.editedAt ? { editedAt: d.editedAt.toISOString() } : {}),
        edits: (d.edits ?? []).map((e) => ({ body: e.body, at: e.at.toISOString() })),
        ...(d.deletedAt ? { deletedAt: d.deletedAt.toISOString() } : {}),
        ...(d.takenBackBody !== undefined ? { takenBackBody: d.takenBackBody } : {}),
      })),
    };
  }

  /**
   * A notice written by the server (someone left …): stored with the next seq like any message,
   * inside the conversation's queue so it keeps seq order with sends, and sent as `message:new`
   * to `memberIds` (the members after the change). `actorId` is its sender; the body says it in
   * Japanese words, so a client that does not know `system` still shows something sensible.
   */
  async sendSystem(
    conversationId: string,
    actorId: string,
    event: SystemEvent,
    memberIds: readonly string[],
    opts: { text?: string; onceKey?: string } = {},
  ): Promise<Message> {
    // `text`: a notice that carries its own words (a meeting's summary); else the type's words.
    const named = opts.text === undefined ? await this.directory.getUsers([...new Set([actorId, ...(event.userIds ?? [])])]) : [];
    const body = opts.text ?? systemBody(event, new Map(named.map((u) => [u.id, u.name])));
    // Unique per sender like a client's id, and never one a client can send (`:` is refused there).
    // With `onceKey` the id is fixed, so the unique {senderId, clientMsgId} index stores the notice
    // at most once however many times (or processes) write it: the later writes get the stored one.
    const clientMsgId = opts.onceKey ? `system:${opts.onceKey}` : `system:${randomUUID()}`;
    let message: Message;
    try {
      message = await this.queue.run(conversationId, async () => {
        const stored = toMessageDto(
          await this.insertWithNextSeq({
            conversationId: oid(conversationId),
            senderId: oid(actorId),
            body,
            clientMsgId,
            mentions: [],
            system: event,
          }),
        );
        this.realtime.toUsers(memberIds).emit('message:new', { message: stored });
        return stored;
      });
    } catch (err) {
      if (!opts.onceKey || !isDuplicateKey(err)?.includes('clientMsgId')) throw err;
      const earlier = await this.messages.collection.findOne<MessageDoc>({ senderId: oid(actorId), clientMsgId });
      if (!earlier) throw err;
      return toMessageDto(earlier);
    }
    await this.conversations.noteActivity(conversationId, new Date(message.createdAt));
    return message;
  }

  /**
   * `GET /api/messages/:id/readers`: members only (403), an unknown message 404. One read of the
   * message, membership from the cache, one read of the conversation's read marks.
   */
  async readers(userId: string, messageId: string): Promise<Readers> {
    const doc = await this.messages.collection.findOne<Pick<MessageDoc, 'conversationId' | 'seq' | 'senderId'>>(
      { _id: oid(messageId) },
      { projection: { _id: 0, conversationId: 1, seq: 1, senderId: 1 } },
    );
    if (!doc) throw new AppError('not_found', 'message not found');
    const conversationId = doc.conversationId.toString();
    const conv = await this.conversations.requireMember(conversationId, userId);
    const marks = await this.conversations.readMarksOf(conversationId);
    return splitReaders(conv.memberIds, doc.senderId.toString(), doc.seq, marks);
  }
}

/** Who has read a message and who has not: the members other than its sender, by their read marks. */
function splitReaders(memberIds: readonly string[], senderId: string, seq: number, marks: Map<string, number>): Readers {
  const read: string[] = [];
  const unread: string[] = [];
  for (const id of memberIds) {
    if (id === senderId) continue;
    ((marks.get(id) ?? 0) >= seq ? read : unread).push(id);
  }
  return { read, unread };
}

/** The words of a system message (Japanese first: the office reads Japanese). */
function systemBody(event: SystemEvent, names: Map<string, string>): string {
  const who = (event.userIds ?? []).map((id) => `${names.get(id) ?? '不明なユーザー'}さん`).join('、');
  switch (event.type) {
    case 'member_left':
      return `${who}が退出しました`;
    case 'members_added':
      return `${who}が参加しました`;
    case 'member_removed':
      return `${who}が退出させられました`;
    case 'title_changed':
      return `会話名が「${event.title ?? ''}」に変わりました`;
    case 'member_joined':
      return `${who}が参加しました`;
    case 'department_moved':
      return `${who}が異動しました`;
    // Quick meetings (server/meetings): the meeting's own record; the summary carries its own text.
    case 'meeting_invited':
      return `${who}を打ち合わせに招待しました`;
    case 'meeting_started':
      return '打ち合わせが始まりました';
    case 'meeting_joined':
      return `${who}が打ち合わせに参加しました`;
    case 'meeting_left':
      return `${who}が打ち合わせから退出しました`;
    case 'meeting_extended':
      return `打ち合わせを${event.minutes ?? 0}分延長しました`;
    case 'meeting_ended':
      return '打ち合わせが終了しました';
    case 'meeting_summary':
      return `打ち合わせ「${event.title ?? ''}」の議事録`;
  }
}
