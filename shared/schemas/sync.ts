import { z } from 'zod';
import { idSchema } from './common.js';
import { conversationSchema, messageSchema } from './conversations.js';

/**
 * `POST /api/sync`: one request that catches a returning client up (server/sync/README.md).
 * The client sends the cursor of its previous sync (opaque) and, for each conversation whose
 * history it holds, the last `seq` it holds; the answer carries only what changed.
 */

/** Messages per conversation in one answer; a conversation with more is `hasMore` (page with `after=`). */
export const SYNC_MESSAGES_PER_CONVERSATION = 50;
/** The conversation list holds at most 1,000 conversations; a cursor or `seqs` never needs more. */
export const SYNC_MAX_CONVERSATIONS = 1000;
/** A cursor holds 22 bytes per conversation, base64url: 1,000 conversations fit in 30,000 characters. */
export const SYNC_MAX_CURSOR_CHARS = 32_000;

export const syncCursorSchema = z
  .string()
  .min(1)
  .max(SYNC_MAX_CURSOR_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by the server');

export const syncBodySchema = z
  .object({
    cursor: syncCursorSchema.optional(),
    /** conversationId → the last seq whose message the client holds (0: none). */
    seqs: z
      .record(idSchema, z.number().int().nonnegative().max(1_000_000_000))
      .refine((r) => Object.keys(r).length <= SYNC_MAX_CONVERSATIONS, `at most ${SYNC_MAX_CONVERSATIONS} conversations`)
      .optional(),
    /**
     * conversationId → the first seq whose message the client holds (for the same conversations as
     * `seqs`): changed messages are sent only within what the client holds. Absent: from seq 1.
     */
    froms: z
      .record(idSchema, z.number().int().nonnegative().max(1_000_000_000))
      .refine((r) => Object.keys(r).length <= SYNC_MAX_CONVERSATIONS, `at most ${SYNC_MAX_CONVERSATIONS} conversations`)
      .optional(),
  })
  .strict();
export type SyncBody = z.infer<typeof syncBodySchema>;

export const syncPageSchema = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() }).strict();

export const syncAnswerSchema = z
  .object({
    /** Send this with the next sync. Opaque to the client; kept in memory only. */
    cursor: syncCursorSchema,
    /** True when no cursor was sent: `conversations` is then the whole list, not a change set. */
    full: z.boolean(),
    /** New or changed conversations (new messages, read marks, title, members), as the caller sees them. */
    conversations: z.array(conversationSchema),
    /** Conversations the client held (in its cursor or `seqs`) that are no longer the caller's. */
    removed: z.array(idSchema),
    /** For conversations named in `seqs` with newer messages: the first ones after the held seq. */
    messages: z.record(idSchema, syncPageSchema),
    /**
     * For conversations named in `seqs`: messages the client holds (seq from `froms` up to `seqs`)
     * that changed since its cursor — edited, taken back, reacted to, pinned, confirmed — each as
     * it is now. Apply by id, keeping the copy with the higher `changeSeq`.
     */
    changes: z.record(idSchema, z.array(messageSchema)).default({}),
    /** The directory's version (`GET /api/directory` ETag); fetch the directory only when it changed. */
    directoryVersion: z.string(),
  })
  .strict();
export type SyncAnswer = z.infer<typeof syncAnswerSchema>;
