import { Types, type Connection, type Model } from 'mongoose';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { SearchAnswer, SearchQuery, SearchResult } from '../../shared/schemas/search.js';
import type { Config } from '../config.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { Limiters } from '../lib/limiter.js';
import { addDays, tokyoMidnight } from '../lib/tokyo.js';
import { messageModel, type MessageDoc } from '../messaging/message.model.js';
import { toMessageDto } from '../messaging/message.queries.js';
import { afterPrefix, gramPlanOf, literalPattern, normalizeText } from './normalize.js';
import { snippetOf } from './snippet.js';

const oid = (id: string) => new Types.ObjectId(id);
const DEFAULT_PAGE = 20;

/** What a result needs of a message: everything but the search fields and the record's history. */
const RESULT_PROJECTION = { searchGrams: 0, searchText: 0, searchFileText: 0, searchFileGrams: 0, edits: 0, takenBackBody: 0, takenBackFiles: 0 };

/**
 * Message search (README.md beside this file). Reads `messages` only; server/messaging writes the
 * search fields. A search costs two database commands: the ids of the caller's conversations (none
 * when one conversation is asked for and its membership is cached) and one `find` that the n-gram
 * index answers in `_id` order.
 */
export class SearchService {
  private readonly messages: Model<MessageDoc>;
  private readonly rate: RateLimiterAbstract;

  constructor(
    conn: Connection,
    config: Config,
    private readonly conversations: ConversationsService,
    limiters: Limiters,
  ) {
    this.messages = messageModel(conn);
    this.rate = limiters.create({ name: 'search', points: config.SEARCH_RATE_LIMIT, durationS: config.SEARCH_RATE_WINDOW_S });
  }

  async search(user: User, query: SearchQuery): Promise<SearchAnswer> {
    // check: the query means something, the dates are dates, the caller may read the scope
    const phrase = normalizeText(query.q);
    if (!phrase) throw new AppError('bad_request', 'q: type something to search for');
    const time = timeBounds(query.from, query.to);
    await this.rate.consume(user.id).catch(() => {
      throw new AppError('rate_limited', 'too many searches; wait a moment');
    });
    let scope: Types.ObjectId | { $in: Types.ObjectId[] };
    if (query.conversationId) {
      await this.conversations.requireMember(query.conversationId, user.id);
      scope = oid(query.conversationId);
    } else {
      const ids = await this.conversations.conversationIdsOf(user.id);
      if (ids.length === 0) return { results: [] };
      scope = { $in: ids };
    }

    // do: one find, newest first, bounded by the rarest-looking gram and confirmed by the phrase
    const plan = gramPlanOf(phrase);
    const idBounds: Record<string, Types.ObjectId> = {};
    if (time.from) idBounds.$gte = Types.ObjectId.createFromTime(Math.floor(time.from.getTime() / 1000));
    if (time.until) idBounds.$lt = Types.ObjectId.createFromTime(Math.ceil(time.until.getTime() / 1000));
    if (query.before && (!idBounds.$lt || query.before < idBounds.$lt.toHexString())) idBounds.$lt = oid(query.before);
    const createdAt: Record<string, Date> = {};
    if (time.from) createdAt.$gte = time.from;
    if (time.until) createdAt.$lt = time.until;
    const filter: Record<string, unknown> = {
      conversationId: scope,
      searchGrams: plan.kind === 'all' ? { $all: plan.grams } : { $gte: plan.char, $lt: afterPrefix(plan.char) },
      searchText: { $regex: literalPattern(phrase) },
      ...(Object.keys(idBounds).length ? { _id: idBounds } : {}),
      ...(Object.keys(createdAt).length ? { createdAt } : {}),
      ...(query.senderId ? { senderId: oid(query.senderId) } : {}),
      ...(query.hasFile ? { 'files.0': { $exists: query.hasFile === 'true' } } : {}),
    };
    const limit = query.limit ?? DEFAULT_PAGE;
    const docs = await this.messages.collection
      .find<MessageDoc>(filter, { projection: RESULT_PROJECTION, sort: { _id: -1 }, limit: limit + 1 })
      .toArray();
    const page = docs.slice(0, limit);
    return {
      results: page.map((doc) => resultOf(doc, phrase)),
      ...(docs.length > limit ? { nextBefore: page[page.length - 1]!._id.toHexString() } : {}),
    };
  }
}

/** A result: the snippet around the match in the text, or else in the file name that matched. */
function resultOf(doc: MessageDoc, phrase: string): SearchResult {
  const base = { message: toMessageDto(doc), conversationId: doc.conversationId.toHexString() };
  const inText = snippetOf(doc.body, phrase);
  if (inText) return { ...base, ...inText };
  for (const file of doc.files ?? []) {
    const inName = snippetOf(file.name, phrase);
    if (inName) return { ...base, ...inName, fileId: file.id.toHexString() };
  }
  // Found by the stored text but not placed in the original (a fold that differs by context).
  return { ...base, snippet: doc.body.slice(0, 120), highlights: [] };
}

/** `from` (inclusive) and `until` (exclusive) instants: a `to` day includes that whole Tokyo day. */
function timeBounds(from: string | undefined, to: string | undefined): { from?: Date; until?: Date } {
  const isDay = (v: string) => v.length === 10;
  const start = from === undefined ? undefined : isDay(from) ? tokyoMidnight(from) : new Date(from);
  const until = to === undefined ? undefined : isDay(to) ? tokyoMidnight(addDays(to, 1)) : new Date(new Date(to).getTime() + 1);
  if ((start && Number.isNaN(start.getTime())) || (until && Number.isNaN(until.getTime()))) {
    throw new AppError('bad_request', 'from/to: not a real date');
  }
  if (start && until && start >= until) throw new AppError('bad_request', 'from must be before to');
  return { ...(start ? { from: start } : {}), ...(until ? { until } : {}) };
}
