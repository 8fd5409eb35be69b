import type { User } from '../../shared/schemas/auth.js';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { SYNC_MESSAGES_PER_CONVERSATION, type SyncAnswer, type SyncBody } from '../../shared/schemas/sync.js';
import type { ConversationsService, ConversationSyncState } from '../conversations/conversations.service.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import type { Clock } from '../clock.js';
import { decodeCursor, encodeCursor, stateTag, type Cursor, type CursorEntry } from './cursor.js';
import { Batcher } from '../lib/batcher.js';
import { changeRangeKey, messagesByRangeKey, seqRangeKey, type ChangeRange, type SeqRange } from './message-ranges.js';

const PAGE = SYNC_MESSAGES_PER_CONVERSATION;

/** A first read waits this long for other syncs to share it (a reconnect storm's requests come a few ms apart)… */
const GATHER_MS = 5;
/** …and this long while a storm is under way (the previous batch carried several syncs; server/lib/batcher.ts). */
const BUSY_GATHER_MS = 25;

/**
 * At most this many people, ranges or (person, conversation) views per batch: a command over the
 * ranges of every client of a restart at once stalled the stand-in for seconds (the driver called
 * it dead). Syncs beyond it go in the next batch.
 */
const MAX_KEYS = 200;

/** What the first read of a sync gives one caller. */
interface Start {
  directoryVersion: string;
  states: ConversationSyncState[];
  /** Change counters of (at least) the caller's conversations. */
  counters: Map<string, number>;
}

/**
 * Catching a returning client up in one request (README.md). Reads only, through the services and
 * query helpers of conversations, messaging and directory; writes nothing.
 *
 * Each of a sync's three steps (what the caller has; the messages in its ranges; the views of what
 * changed) goes through a batcher (server/lib/batcher.ts): syncs under way at once — after a
 * restart, 3,000 clients within seconds — share one read per collection per step instead of
 * ~10 commands each. A step's read starts only after the request reached that step (a batch takes
 * no one after it was sent), so every sync reads what it read alone, in the same order.
 */
export class SyncService {
  private readonly starts: Batcher<string, Start>;
  private readonly ranges: Batcher<string, Message[]>;
  private readonly views: Batcher<string, Conversation>;

  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessageQueries,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
  ) {
    this.starts = new Batcher((userIds) => this.readStarts(userIds), { gatherMs: GATHER_MS, busyGatherMs: BUSY_GATHER_MS, maxKeys: MAX_KEYS });
    this.ranges = new Batcher((keys) => messagesByRangeKey(this.messages, keys), { maxKeys: MAX_KEYS });
    this.views = new Batcher((keys) => this.readViews(keys), { maxKeys: MAX_KEYS });
  }

  /** Syncs' first step: the directory version, each caller's conversations with their read marks, their change counters. */
  private async readStarts(userIds: string[]): Promise<Map<string, Start>> {
    const [directoryVersion, states] = await Promise.all([this.directory.version(), this.conversations.syncStatesOfMany(userIds)]);
    const ids = new Set<string>();
    for (const list of states.values()) for (const state of list) ids.add(state.id);
    // Each conversation's change counter (edits, take-backs, reactions, pins, confirmations).
    const counters = await this.messages.changeCounters([...ids]);
    return new Map(userIds.map((id) => [id, { directoryVersion, states: states.get(id) ?? [], counters }]));
  }

  /** Keys `viewerId:conversationId` → the viewer's view of it (absent: not a member any more). */
  private async readViews(keys: string[]): Promise<Map<string, Conversation>> {
    const byViewer = new Map<string, string[]>();
    for (const key of keys) {
      const [viewerId, conversationId] = key.split(':') as [string, string];
      byViewer.set(viewerId, [...(byViewer.get(viewerId) ?? []), conversationId]);
    }
    const views = await this.conversations.viewsForMany([...byViewer].map(([viewerId, conversationIds]) => ({ viewerId, conversationIds })));
    const out = new Map<string, Conversation>();
    for (const [viewerId, list] of views) for (const view of list) out.set(`${viewerId}:${view.id}`, view);
    return out;
  }

  async sync(user: User, body: SyncBody): Promise<SyncAnswer> {
    // check: a cursor that is not this user's is refused before anything is read.
    const cursor = body.cursor ? decodeCursor(body.cursor, user.id) : null;
    const held = body.seqs ?? {};
    const issuedAt = this.clock().getTime();

    const { directoryVersion, states, counters } = (await this.starts.get([user.id])).get(user.id)!;
    const plan = planOf(states, cursor, held, body.froms ?? {}, counters);
    const { bySeq: found, changed: changedMessages } = await this.messagesOf(plan.ranges, plan.changeRanges);

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
    const conversations = await this.viewsOf(user.id, [...changed]);

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

  /** The messages of this sync's ranges, by conversation, ascending seq (from the batch under way). */
  private async messagesOf(ranges: readonly SeqRange[], changes: readonly ChangeRange[]): Promise<{ bySeq: Map<string, Message[]>; changed: Map<string, Message[]> }> {
    const bySeq = new Map<string, Message[]>();
    const changed = new Map<string, Message[]>();
    if (ranges.length === 0 && changes.length === 0) return { bySeq, changed };
    const found = await this.ranges.get([...ranges.map(seqRangeKey), ...changes.map(changeRangeKey)]);
    const collect = (into: Map<string, Message[]>, conversationId: string, list: Message[] | undefined) => {
      if (!list?.length) return;
      const seen = into.get(conversationId) ?? [];
      for (const m of list) if (!seen.some((s) => s.seq === m.seq)) seen.push(m);
      into.set(conversationId, seen);
    };
    for (const r of ranges) collect(bySeq, r.conversationId, found.get(seqRangeKey(r)));
    for (const c of changes) collect(changed, c.conversationId, found.get(changeRangeKey(c)));
    for (const list of [...bySeq.values(), ...changed.values()]) list.sort((a, b) => a.seq - b.seq);
    return { bySeq, changed };
  }

  /** The caller's views of these conversations, latest activity first (as `viewsFor`), from the batch under way. */
  private async viewsOf(viewerId: string, conversationIds: readonly string[]): Promise<Conversation[]> {
    if (conversationIds.length === 0) return [];
    const keys = conversationIds.map((id) => `${viewerId}:${id}`);
    const found = await this.views.get(keys);
    const at = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
    return keys.flatMap((k) => found.get(k) ?? []).sort((a, b) => at(b).localeCompare(at(a)));
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
