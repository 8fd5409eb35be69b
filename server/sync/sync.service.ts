import type { User } from '../../shared/schemas/auth.js';
import type { Message } from '../../shared/schemas/conversations.js';
import { SYNC_MESSAGES_PER_CONVERSATION, type SyncAnswer, type SyncBody } from '../../shared/schemas/sync.js';
import type { ConversationsService, ConversationSyncState } from '../conversations/conversations.service.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import type { Clock } from '../clock.js';
import { decodeCursor, encodeCursor, stateTag, type Cursor, type CursorEntry } from './cursor.js';
import { messagesInRanges, type ChangeRange, type SeqRange } from './message-ranges.js';

const PAGE = SYNC_MESSAGES_PER_CONVERSATION;

/**
 * Catching a returning client up in one request (README.md). Reads only, through the services and
 * query helpers of conversations, messaging and directory; writes nothing.
 */
export class SyncService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessageQueries,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
  ) {}

  async sync(user: User, body: SyncBody): Promise<SyncAnswer> {
    // check: a cursor that is not this user's is refused before anything is read.
    const cursor = body.cursor ? decodeCursor(body.cursor, user.id) : null;
    const held = body.seqs ?? {};
    const issuedAt = this.clock().getTime();

    const [directoryVersion, states] = await Promise.all([this.directory.version(), this.conversations.syncStatesOf(user.id)]);
    // Each conversation's change counter (edits, take-backs, reactions, pins, confirmations).
    const counters = await this.messages.changeCounters(states.map((s) => s.id));
    const plan = planOf(states, cursor, held, body.froms ?? {}, counters);
    const { bySeq: found, changed: changedMessages } = await messagesInRanges(this.messages, plan.ranges, plan.changeRanges);

    // A conversation changed for this client if it is new to it, its members, title or read marks
    // differ from the cursor's tag, or a message exists beyond the last seq the client knows.
    const changed = new Set(plan.changed);
    const messages: SyncAnswer['messages'] = {};
    for (const [conversationId, list] of found) {
      const known = plan.known.get(conversationId) ?? 0;
      if (list.some((m) => m.seq > known)) changed.add(conversationId);
      const page = threadPage(list, held[conversationId]);
      if (page) messages[conversationId] = page;
    }
    const conversations = await this.conversations.viewsFor(user.id, [...changed]);

    // Left between the two reads: gone for this client too.
    const shown = new Set(conversations.map((c) => c.id));
    const removed = [...plan.removed, ...[...changed].filter((id) => !shown.has(id))];
    const changes: SyncAnswer['changes'] = Object.fromEntries(changedMessages);
    for (const id of removed) {
      delete messages[id];
      delete changes[id];
    }

    const gone = new Set(removed);
    const entries = new Map<string, CursorEntry>();
    const lastSeqs = new Map(conversations.map((c) => [c.id, c.lastSeq]));
    for (const state of states) {
      if (gone.has(state.id)) continue;
      entries.set(state.id, {
        seq: lastSeqs.get(state.id) ?? plan.known.get(state.id) ?? 0,
        tag: plan.tags.get(state.id)!,
        // Caught up to the counter read above: every change numbered up to it was stored before the
        // read of messages (and so is in `changes`) or is still being written, and a change written
        // after that read reaches the caller's connected socket as `message:updated` (README.md).
        changeSeq: counters.get(state.id) ?? 0,
      });
    }
    return {
      cursor: encodeCursor({ userId: user.id, issuedAt, entries }),
      full: cursor === null,
      conversations,
      removed,
      messages,
      changes,
      directoryVersion,
    };
  }
}

interface Plan {
  /** New to the client, or its tag differs. */
  changed: string[];
  /** Held by the client but no longer the caller's. */
  removed: string[];
  /** The last seq the client knows of, per conversation it knows. */
  known: Map<string, number>;
  tags: Map<string, string>;
  ranges: SeqRange[];
  /** For held histories whose conversation's change counter moved past the cursor's. */
  changeRanges: ChangeRange[];
}

/**
 * What to read, from the caller's conversations and what the client holds: for a conversation
 * whose history the client holds (`seqs`), the page after its seq plus one message to tell
 * whether there are more; for one it only lists, a probe of the one message after the last seq
 * it knows (seq is gap-free, so that message exists exactly when there is anything newer).
 */
function planOf(
  states: ConversationSyncState[],
  cursor: Cursor | null,
  held: Record<string, number>,
  froms: Record<string, number>,
  counters: Map<string, number>,
): Plan {
  const plan: Plan = { changed: [], removed: [], known: new Map(), tags: new Map(), ranges: [], changeRanges: [] };
  const mine = new Set<string>();
  for (const state of states) {
    const id = state.id;
    mine.add(id);
    const counter = counters.get(id) ?? 0;
    const tag = stateTag(state, counter);
    plan.tags.set(id, tag);
    const told = cursor?.entries.get(id);
    const thread = held[id];
    if (!told || told.tag !== tag) plan.changed.push(id);
    // Changed messages among those held: only when the counter moved past what this client saw
    // (no cursor: it may have seen none of the changes).
    const caughtUp = told?.changeSeq ?? 0;
    if (thread !== undefined && thread > 0 && counter > caughtUp) {
      plan.changeRanges.push({ conversationId: id, afterChange: caughtUp, fromSeq: Math.min(froms[id] ?? 1, thread), upToSeq: thread });
    }
    if (thread !== undefined) plan.ranges.push({ conversationId: id, after: thread, upTo: thread + PAGE + 1 });
    if (told) {
      const known = Math.max(told.seq, thread ?? 0);
      plan.known.set(id, known);
      const coveredByPage = thread !== undefined && known < thread + PAGE + 1;
      if (!coveredByPage) plan.ranges.push({ conversationId: id, after: known, upTo: known + 1 });
    } else if (thread !== undefined) {
      plan.known.set(id, thread);
    }
  }
  const heldIds = new Set([...(cursor?.entries.keys() ?? []), ...Object.keys(held)]);
  plan.removed = [...heldIds].filter((id) => !mine.has(id));
  return plan;
}

/** The messages after the held seq, at most PAGE; `hasMore` when the one after those exists. */
function threadPage(list: Message[], heldSeq: number | undefined): SyncAnswer['messages'][string] | null {
  if (heldSeq === undefined) return null;
  const after = list.filter((m) => m.seq > heldSeq && m.seq <= heldSeq + PAGE + 1);
  if (after.length === 0) return null;
  return { messages: after.slice(0, PAGE), hasMore: after.length > PAGE };
}
