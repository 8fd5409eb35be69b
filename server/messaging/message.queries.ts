import { Types, type Connection, type Model } from 'mongoose';
import type { Message, Reaction, ReplyTo, SystemEvent } from '../../shared/schemas/conversations.js';
import { fileInfoFromStored } from '../files/file.model.js';
import { changeCounterModel, type ChangeCounterDoc } from './message-extras.model.js';
import { messageModel, WITHOUT_SEARCH_FIELDS, type MessageDoc } from './message.model.js';

/** The wire form of a stored message. Built on every send: plain assignments, no spreads. */
export function toMessageDto(doc: MessageDoc): Message {
  const message: Message = {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    seq: doc.seq,
    senderId: doc.senderId.toHexString(),
    body: doc.deletedAt ? '' : doc.body,
    clientMsgId: doc.clientMsgId,
    createdAt: doc.createdAt.toISOString(),
    mentions: doc.mentions?.length ? doc.mentions.map((id) => id.toHexString()) : [],
  };
  if (doc.editedAt) message.editedAt = doc.editedAt.toISOString();
  if (doc.deletedAt) message.deletedAt = doc.deletedAt.toISOString();
  if (doc.system) message.system = systemEventOf(doc.system);
  if (doc.mentionsAll) message.mentionsAll = true;
  if (doc.replyTo) message.replyTo = replyToOf(doc.replyTo);
  if (doc.ackRequested) {
    message.ackRequested = true;
    message.ackCount = doc.ackCount ?? 0;
  }
  if (doc.changeSeq) message.changeSeq = doc.changeSeq;
  if (doc.deletedAt) {
    // Taken back: nothing of what it said stays in anyone's view (who it named, who reacted).
    message.mentions = [];
    delete message.mentionsAll;
    return message;
  }
  if (doc.files?.length) message.files = doc.files.map(fileInfoFromStored);
  if (doc.reactions?.length) message.reactions = reactionsOf(doc.reactions);
  if (doc.pinnedAt) {
    message.pinnedAt = doc.pinnedAt.toISOString();
    if (doc.pinnedBy) message.pinnedBy = doc.pinnedBy.toHexString();
  }
  return message;
}

function replyToOf(stored: NonNullable<MessageDoc['replyTo']>): ReplyTo {
  const replyTo: ReplyTo = {
    id: String(stored.id),
    seq: stored.seq ?? 0,
    senderId: String(stored.senderId),
    // A taken-back original's snippet is blanked when it is taken back; blank it here too.
    body: stored.deletedAt ? '' : (stored.body ?? ''),
  };
  if (stored.deletedAt) replyTo.deletedAt = stored.deletedAt.toISOString();
  return replyTo;
}

/** Stored (reaction, person) pairs → `[{reaction, userIds}]` in the order each reaction first appeared. */
function reactionsOf(pairs: NonNullable<MessageDoc['reactions']>): Reaction[] {
  const grouped = new Map<string, string[]>();
  for (const pair of pairs) {
    if (!pair.r || !pair.u) continue;
    const list = grouped.get(pair.r) ?? [];
    list.push(String(pair.u));
    grouped.set(pair.r, list);
  }
  return [...grouped].map(([reaction, userIds]) => ({ reaction, userIds }));
}

function systemEventOf(stored: NonNullable<MessageDoc['system']>): SystemEvent {
  return {
    type: stored.type,
    ...(stored.userIds?.length ? { userIds: [...stored.userIds] } : {}),
    ...(stored.title ? { title: stored.title } : {}),
    ...(stored.meetingId ? { meetingId: stored.meetingId } : {}),
    ...(stored.minutes ? { minutes: stored.minutes } : {}),
  };
}

/** One reader's question for `countUnreadMany`: messages from others in a conversation after a seq. */
export interface UnreadQuery {
  conversationId: string;
  userId: string;
  afterSeq: number;
}

/**
 * Read-only questions about stored messages, for other capabilities (the conversation list).
 * Writes stay in MessagingService.
 */
export class MessageQueries {
  readonly messages: Model<MessageDoc>;
  private readonly counters: Model<ChangeCounterDoc>;

  constructor(conn: Connection) {
    this.messages = messageModel(conn);
    this.counters = changeCounterModel(conn);
  }

  /**
   * When each of these people sent messages in [from, to) (system messages excluded), per clock
   * hour: the first and last message time of each hour with any. For the licence report's
   * "sessions without chat": one aggregate whose answer grows with the hours people wrote in, not
   * with the messages (a month of 3,000 people is millions of messages, at most ~0.6 M such hours).
   */
  async sendHours(userIds: readonly string[], from: Date, to: Date): Promise<Map<string, { first: number; last: number }[]>> {
    const out = new Map<string, { first: number; last: number }[]>();
    if (userIds.length === 0) return out;
    const rows = await this.messages.aggregate<{ _id: { s: Types.ObjectId }; first: Date; last: Date }>([
      { $match: { senderId: { $in: userIds.map((id) => new Types.ObjectId(id)) }, createdAt: { $gte: from, $lt: to }, system: { $exists: false } } },
      { $group: { _id: { s: '$senderId', h: { $dateTrunc: { date: '$createdAt', unit: 'hour' } } }, first: { $min: '$createdAt' }, last: { $max: '$createdAt' } } },
    ]);
    for (const row of rows) {
      const key = row._id.s.toHexString();
      const hour = { first: new Date(row.first).getTime(), last: new Date(row.last).getTime() };
      const list = out.get(key);
      if (list) list.push(hour);
      else out.set(key, [hour]);
    }
    for (const list of out.values()) list.sort((a, b) => a.first - b.first);
    return out;
  }

  /**
   * Each conversation's change counter (how many changes its existing messages have had; 0 when
   * none), in one read of `messagechanges` by `_id`.
   */
  async changeCounters(conversationIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (conversationIds.length === 0) return out;
    const docs = await this.counters.collection
      .find<ChangeCounterDoc>({ _id: { $in: conversationIds.map((id) => new Types.ObjectId(id)) } })
      .toArray();
    for (const doc of docs) out.set(doc._id.toHexString(), doc.changeSeq);
    return out;
  }

  /** The stored message with the highest seq: the truth about `lastSeq`, even after a crash. */
  async latest(conversationId: string): Promise<Message | null> {
    const doc = await this.messages
      .findOne({ conversationId: new Types.ObjectId(conversationId) }, WITHOUT_SEARCH_FIELDS)
      .sort({ seq: -1 })
      .lean<MessageDoc>();
    return doc ? toMessageDto(doc) : null;
  }

  /** Messages from others after the reader's mark. */
  async countUnread(conversationId: string, userId: string, afterSeq: number): Promise<number> {
    return this.messages.countDocuments({
      conversationId: new Types.ObjectId(conversationId),
      seq: { $gt: afterSeq },
      senderId: { $ne: new Types.ObjectId(userId) },
      deletedAt: { $exists: false },
    });
  }

  /**
   * The latest stored message of each conversation, in one aggregate. Sorted the way the
   * `{conversationId, seq}` index runs (backwards), so MongoDB takes the first entry per
   * conversation from the index instead of reading each history.
   */
  async latestMany(conversationIds: readonly string[]): Promise<Map<string, Message>> {
    const out = new Map<string, Message>();
    if (conversationIds.length === 0) return out;
    const rows = await this.messages.aggregate<{ doc: MessageDoc }>([
      { $match: { conversationId: { $in: conversationIds.map((id) => new Types.ObjectId(id)) } } },
      { $sort: { conversationId: -1, seq: -1 } },
      { $group: { _id: '$conversationId', doc: { $first: '$$ROOT' } } },
    ]);
    for (const { doc } of rows) out.set(doc.conversationId.toString(), toMessageDto(doc));
    return out;
  }

  /**
   * `countUnread` for many (conversation, reader, mark) at once, in one aggregate: it reads the
   * seqs after the lowest mark asked for in each conversation, grouped by sender, and each answer
   * is counted from those in memory. With one reader (the conversation list) their own messages
   * are left out in the database already. Answers come in the order of `queries`.
   */
  async countUnreadMany(queries: readonly UnreadQuery[]): Promise<number[]> {
    if (queries.length === 0) return [];
    const lowest = new Map<string, number>();
    for (const q of queries) lowest.set(q.conversationId, Math.min(lowest.get(q.conversationId) ?? Infinity, q.afterSeq));
    const readers = new Set(queries.map((q) => q.userId));
    const rows = await this.messages.aggregate<{ _id: { c: Types.ObjectId; s: Types.ObjectId }; seqs: number[] }>([
      {
        $match: {
          $or: [...lowest].map(([id, after]) => ({ conversationId: new Types.ObjectId(id), seq: { $gt: after } })),
          deletedAt: { $exists: false },
          ...(readers.size === 1 ? { senderId: { $ne: new Types.ObjectId(queries[0]!.userId) } } : {}),
        },
      },
      { $group: { _id: { c: '$conversationId', s: '$senderId' }, seqs: { $push: '$seq' } } },
    ]);
    const bySender = new Map<string, { senderId: string; seqs: number[] }[]>();
    for (const row of rows) {
      const key = row._id.c.toString();
      const list = bySender.get(key) ?? [];
      list.push({ senderId: row._id.s.toString(), seqs: row.seqs.sort((a, b) => a - b) });
      bySender.set(key, list);
    }
    return queries.map((q) =>
      (bySender.get(q.conversationId) ?? [])
        .filter((g) => g.senderId !== q.userId)
        .reduce((sum, g) => sum + countAbove(g.seqs, q.afterSeq), 0),
    );
  }

  /** Unread messages mentioning each reader or everyone, in one query (see countMentionsMany). */
  countMentionsMany(queries: readonly MentionQuery[]): Promise<number[]> {
    return countMentionsMany(this.messages, queries);
  }
}

/** One reader's question for `countMentionsMany`: the same as for unread counts. */
export type MentionQuery = UnreadQuery;

/**
 * `mentionCount` for many (conversation, reader, mark) at once, in one query: the messages of
 * those conversations after the lowest mark asked for that mention any of the readers or
 * everyone — read through partial indexes holding only such messages, so a history of 20,000
 * unread messages without mentions costs nothing — only their seq, sender and mentions; each
 * answer is counted from those in memory. Answers come in the order of `queries`. Taken-back
 * messages do not count.
 */
export async function countMentionsMany(messages: Model<MessageDoc>, queries: readonly MentionQuery[]): Promise<number[]> {
  if (queries.length === 0) return [];
  const lowest = new Map<string, number>();
  for (const q of queries) lowest.set(q.conversationId, Math.min(lowest.get(q.conversationId) ?? Infinity, q.afterSeq));
  const readers = [...new Set(queries.map((q) => q.userId))].map((id) => new Types.ObjectId(id));
  const conversations = [...lowest.keys()].map((id) => new Types.ObjectId(id));
  const after = Math.min(...lowest.values());
  // Two branches, each served by its partial index (message.model.ts): messages naming one of
  // the readers, and messages to everyone. `'mentions.0'` is spelled out so that MongoDB can use
  // the partial index (its filter must be implied by the query). Marks are applied in memory.
  const docs = await messages.collection
    .find<Pick<MessageDoc, 'conversationId' | 'seq' | 'senderId' | 'mentions' | 'mentionsAll'>>(
      {
        $or: [
          { mentions: { $in: readers }, 'mentions.0': { $exists: true }, conversationId: { $in: conversations }, seq: { $gt: after }, deletedAt: { $exists: false } },
          { mentionsAll: true, conversationId: { $in: conversations }, seq: { $gt: after }, deletedAt: { $exists: false } },
        ],
      },
      { projection: { _id: 0, conversationId: 1, seq: 1, senderId: 1, mentions: 1, mentionsAll: 1 } },
    )
    .toArray();
  const byConversation = new Map<string, typeof docs>();
  for (const doc of docs) {
    const key = doc.conversationId.toString();
    const list = byConversation.get(key) ?? [];
    list.push(doc);
    byConversation.set(key, list);
  }
  return queries.map((q) => {
    let n = 0;
    for (const doc of byConversation.get(q.conversationId) ?? []) {
      if (doc.seq <= q.afterSeq || doc.senderId.toString() === q.userId) continue;
      if (doc.mentionsAll || doc.mentions?.some((id) => id.toString() === q.userId)) n++;
    }
    return n;
  });
}

/** How many of the ascending `seqs` are above `after` (binary search). */
function countAbove(seqs: readonly number[], after: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return seqs.length - lo;
}
