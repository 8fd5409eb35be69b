import { Types } from 'mongoose';
import type { Message } from '../../shared/schemas/conversations.js';
import type { MessageDoc } from '../messaging/message.model.js';
import { toMessageDto, type MessageQueries } from '../messaging/message.queries.js';

/** Messages of `conversationId` with `after < seq <= upTo`. */
export interface SeqRange {
  conversationId: string;
  after: number;
  upTo: number;
}

/**
 * Every message in these ranges, in ONE query: an `$or` of bounded ranges on the unique
 * `{conversationId, seq}` index (each clause an index bounds scan), so the cost is the number of
 * ranges plus the messages returned, never one query per conversation. Read-only, through the
 * messaging capability's query helper (its `messages` model).
 */
export async function messagesInRanges(queries: MessageQueries, ranges: readonly SeqRange[]): Promise<Map<string, Message[]>> {
  const out = new Map<string, Message[]>();
  if (ranges.length === 0) return out;
  const docs = await queries.messages
    .find({
      $or: ranges.map((r) => ({ conversationId: new Types.ObjectId(r.conversationId), seq: { $gt: r.after, $lte: r.upTo } })),
    })
    .lean<MessageDoc[]>();
  for (const doc of docs) {
    const message = toMessageDto(doc);
    const list = out.get(message.conversationId) ?? [];
    list.push(message);
    out.set(message.conversationId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.seq - b.seq);
  return out;
}
