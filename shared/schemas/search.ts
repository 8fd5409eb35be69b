import { z } from 'zod';
import { MAX_SEARCH_PAGE, MAX_SEARCH_QUERY_CHARS } from '../constants.js';
import { idSchema, intFromQuery } from './common.js';
import { messageSchema } from './conversations.js';

export { MAX_SEARCH_PAGE, MAX_SEARCH_QUERY_CHARS };

/** A day (Asia/Tokyo) or an ISO time: `from` is inclusive, a `to` day includes that whole day. */
const dayOrTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'must be YYYY-MM-DD or an ISO time');

/**
 * `GET /api/search?q=&conversationId=&senderId=&from=&to=&hasFile=&before=&limit=`: messages the
 * caller may read (conversations they are a member of), newest first. `q` is matched after
 * normalisation (NFKC, width, hiragana = katakana, case) as a phrase, in the text and in file
 * names. `before` is `nextBefore` from the previous page.
 */
export const searchQuerySchema = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, 'type something to search for')
      .refine((s) => [...s].length <= MAX_SEARCH_QUERY_CHARS, `at most ${MAX_SEARCH_QUERY_CHARS} characters`),
    conversationId: idSchema.optional(),
    senderId: idSchema.optional(),
    from: dayOrTime.optional(),
    to: dayOrTime.optional(),
    hasFile: z.enum(['true', 'false']).optional(),
    before: idSchema.optional(),
    limit: intFromQuery(1, MAX_SEARCH_PAGE).optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/**
 * One result: the message, and a snippet of its text (or of the matching file name) around the
 * first match, with the matching parts as [start, end) offsets into `snippet` (UTF-16 units).
 */
export const searchResultSchema = z.object({
  message: messageSchema,
  conversationId: idSchema,
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
  /** Set when the match was in this file's name rather than in the text. */
  fileId: idSchema.optional(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const searchAnswerSchema = z.object({
  results: z.array(searchResultSchema),
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore: idSchema.optional(),
});
export type SearchAnswer = z.infer<typeof searchAnswerSchema>;
