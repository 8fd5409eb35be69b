import { Types } from 'mongoose';
import type { Message } from '../../shared/schemas/conversations.js';
import { WITHOUT_SEARCH_FIELDS, type MessageDoc } from '../messaging/message.model.js';
import { toMessageDto, type MessageQueries } from '../messaging/message.queries.js';

/** Messages of `conversationId` with `after < seq <= upTo`. */
export interface SeqRange {
  conversationId: string;
  after: number;
  upTo: number;
}

/** Messages of `conversationId` with `fromSeq <= seq <= upToSeq` changed after `afterChange`. */
export interface ChangeRange {
  conversationId: string;
  afterChange: number;
  fromSeq: number;
  upToSeq: number;
}

export interface FoundMessages {
  /** By conversation, ascending seq: the messages in the seq ranges. */
  bySeq: Map<string, Message[]>;
  /** By conversation, ascending seq: the changed messages within the change ranges. */
  changed: Map<string, Message[]>;
}

/**
 * Every message in these ranges, in ONE query: an `$or` of bounded ranges, seq ranges on the
 * unique `{conversationId, seq}` index and change ranges on `{conversationId, changeSeq}` (each
 * clause an index bounds scan), so the cost is the number of ranges plus the messages returned,
 * never one query per conversation. Read-only, through the messaging capability's query helper.
 */
export async function messagesInRanges(
  queries: MessageQueries,
  ranges: readonly SeqRange[],
  changes: readonly ChangeRange[] = [],
): Promise<FoundMessages> {
  const found: FoundMessages = { bySeq: new Map(), changed: new Map() };
  if (ranges.length === 0 && changes.length === 0) return found;
  const docs = await queries.messages
    .find({
      $or: [
        ...ranges.map((r) => ({ conversationId: new Types.ObjectId(r.conversationId), seq: { $gt: r.after, $lte: r.upTo } })),
        ...changes.map((c) => ({
          conversationId: new Types.ObjectId(c.conversationId),
          // `$exists` spelled out: the index on changeSeq is partial on it (a plain subset for any planner).
          $and: [{ changeSeq: { $exists: true } }, { changeSeq: { $gt: c.afterChange } }],
          seq: { $gte: c.fromSeq, $lte: c.upToSeq },
        })),
      ],
    }, WITHOUT_SEARCH_FIELDS)
    .lean<MessageDoc[]>();
  const seqRanges = group(ranges);
  const changeRanges = group(changes);
  for (const doc of docs) {
    const message = toMessageDto(doc);
    const id = message.conversationId;
    // A document can match a clause of either kind; file it under each it matches.
    if (seqRanges.get(id)?.some((r) => message.seq > r.after && message.seq <= r.upTo)) add(found.bySeq, message);
    if (changeRanges.get(id)?.some((c) => (message.changeSeq ?? 0) > c.afterChange && message.seq >= c.fromSeq && message.seq <= c.upToSeq)) {
      add(found.changed, message);
    }
  }
  for (const list of [...found.bySeq.values(), ...found.changed.values()]) list.sort((a, b) => a.seq - b.seq);
  return found;
}

function group<T extends { conversationId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.conversationId, [...(out.get(item.conversationId) ?? []), item]);
  return out;
}

function add(map: Map<string, Message[]>, message: Message): void {
  const list = map.get(message.conversationId) ?? [];
  list.push(message);
  map.set(message.conversationId, list);
}

/** A range as a batch key: `s|conversation|after|upTo` or `c|conversation|afterChange|fromSeq|upToSeq`. */
export const seqRangeKey = (r: SeqRange) => `s|${r.conversationId}|${r.after}|${r.upTo}`;
export const changeRangeKey = (c: ChangeRange) => `c|${c.conversationId}|${c.afterChange}|${c.fromSeq}|${c.upToSeq}`;

/**
 * The messages of each range key, for the ranges of several syncs at once (sync.service.ts gathers
 * concurrent syncs): still ONE query, the `$or` of every distinct range asked for. Each key gets the
 * messages in its range, ascending seq.
 */
export async function messagesByRangeKey(queries: MessageQueries, keys: readonly string[]): Promise<Map<string, Message[]>> {
  const ranges: SeqRange[] = [];
  const changes: ChangeRange[] = [];
  for (const key of keys) {
    const [kind, conversationId, a, b, c] = key.split('|');
    if (kind === 's') ranges.push({ conversationId: conversationId!, after: Number(a), upTo: Number(b) });
    else changes.push({ conversationId: conversationId!, afterChange: Number(a), fromSeq: Number(b), upToSeq: Number(c) });
  }
  const found = await messagesInRanges(queries, ranges, changes);
  const out = new Map<string, Message[]>();
  for (const r of ranges) {
    out.set(seqRangeKey(r), (found.bySeq.get(r.conversationId) ?? []).filter((m) => m.seq > r.after && m.seq <= r.upTo));
  }
  for (const c of changes) {
    out.set(
      changeRangeKey(c),
      (found.changed.get(c.conversationId) ?? []).filter((m) => (m.changeSeq ?? 0) > c.afterChange && m.seq >= c.fromSeq && m.seq <= c.upToSeq),
    );
  }
  return out;
}
