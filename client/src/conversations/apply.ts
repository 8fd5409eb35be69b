import type { Conversation, ConversationReadEvent, Message, TypingEvent } from '../../../shared/schemas/conversations.js';
import type { PresenceEvent } from '../../../shared/schemas/presence.js';
import type { AppState, Thread } from '../app/state';
import { REPLY_SNIPPET_CHARS } from '../../../shared/reactions.js';
import { countUnread, lastSeqOf, mergeMessages, newerCopy } from './thread';

/**
 * How server data and events change the client's state: pure functions `(state, …) → state`,
 * so they can be tested without a browser or a socket.
 */

const TYPING_LAPSE_MS = 6000;

/**
 * The conversation list arrived (sign-in, or the refetch after a reconnect). Events keep coming
 * while it is on its way, so a conversation held here may be newer than the fetched copy: its
 * live fields (last message, unread count) and my read mark are kept when they are ahead.
 */
export function conversationsLoaded(state: AppState, list: Conversation[]): AppState {
  const conversations: Record<string, Conversation> = {};
  for (const c of list) conversations[c.id] = newerOf(state, state.conversations[c.id], c);
  const reads = { ...state.reads };
  for (const c of list) reads[c.id] = mergeReads(reads[c.id], readMarksOf(c));
  return { ...state, conversations, conversationsLoaded: true, reads };
}

function newerOf(state: AppState, held: Conversation | undefined, fetched: Conversation): Conversation {
  if (!held) return fetched;
  let merged = fetched;
  if (held.lastSeq > fetched.lastSeq) {
    merged = {
      ...fetched,
      lastSeq: held.lastSeq,
      lastMessage: held.lastMessage,
      unreadCount: held.unreadCount,
      myLastReadSeq: held.myLastReadSeq,
    };
  }
  const readSeq = Math.max(held.myLastReadSeq, fetched.myLastReadSeq);
  return readSeq > merged.myLastReadSeq ? markedRead(state, merged, readSeq) : merged;
}

export function conversationUpserted(state: AppState, conversation: Conversation): AppState {
  return {
    ...state,
    conversations: { ...state.conversations, [conversation.id]: conversation },
    reads: { ...state.reads, [conversation.id]: mergeReads(state.reads[conversation.id], readMarksOf(conversation)) },
  };
}

/** Each member's read mark, as the server sends it with a conversation (`readSeqs`). */
function readMarksOf(conversation: Conversation): Record<string, number> {
  return conversation.readSeqs ?? {};
}

function mergeReads(current: Record<string, number> | undefined, next: Record<string, number>): Record<string, number> {
  const merged = { ...(current ?? {}) };
  for (const [userId, seq] of Object.entries(next)) merged[userId] = Math.max(merged[userId] ?? 0, seq);
  return merged;
}

/** A page of history arrived: the latest page, older ones (`before`) or missed ones (`after`). */
export function pageLoaded(
  state: AppState,
  conversationId: string,
  messages: Message[],
  hasMore: boolean,
  direction: 'latest' | 'older' | 'newer',
): AppState {
  const current = state.threads[conversationId];
  let thread: Thread;
  if (direction === 'older' && current) {
    thread = { ...current, messages: mergeMessages(current.messages, messages), hasMoreBefore: hasMore, loadingOlder: false };
  } else if (direction === 'newer' && current) {
    thread = { ...current, messages: mergeMessages(current.messages, messages) };
  } else if (current && current.messages.length > 0 && (messages.length === 0 || messages[0]!.seq <= lastSeqOf(current.messages) + 1)) {
    // The latest page joins what is held: keep both.
    thread = { ...current, messages: mergeMessages(current.messages, messages), loadingOlder: false };
  } else {
    // Nothing held, or a hole between what is held and the latest page: start again from the page.
    thread = { messages: mergeMessages([], messages), hasMoreBefore: hasMore, loadingOlder: false };
  }
  let next: AppState = { ...state, threads: { ...state.threads, [conversationId]: thread } };
  for (const m of messages) next = dropOutgoing(next, m);
  const conversation = next.conversations[conversationId];
  const newest = thread.messages[thread.messages.length - 1];
  if (conversation && newest && newest.seq >= conversation.lastSeq) {
    next = {
      ...next,
      conversations: { ...next.conversations, [conversationId]: { ...conversation, lastSeq: newest.seq, lastMessage: newest } },
    };
  }
  return next;
}

export function olderLoading(state: AppState, conversationId: string, loading: boolean): AppState {
  const thread = state.threads[conversationId];
  if (!thread || thread.loadingOlder === loading) return state;
  return { ...state, threads: { ...state.threads, [conversationId]: { ...thread, loadingOlder: loading } } };
}

/** Does this message leave a hole between the loaded history and itself? Then fetch `after`. */
export function hasGapBefore(state: AppState, message: Message): boolean {
  const thread = state.threads[message.conversationId];
  if (!thread) return false;
  return message.seq > lastSeqOf(thread.messages) + 1;
}

/** `message:new`, or an acknowledged send. Applying the same message twice changes nothing more. */
export function messageArrived(state: AppState, message: Message): AppState {
  const meId = state.me?.id;
  let next = dropOutgoing(state, message);
  const thread = next.threads[message.conversationId];
  if (thread && !(message.seq > lastSeqOf(thread.messages) + 1)) {
    next = { ...next, threads: { ...next.threads, [message.conversationId]: { ...thread, messages: mergeMessages(thread.messages, [message]) } } };
  }
  const conversation = next.conversations[message.conversationId];
  if (conversation) {
    const isNew = message.seq > conversation.lastSeq;
    const fromOther = message.senderId !== meId;
    const updated: Conversation = {
      ...conversation,
      lastSeq: Math.max(conversation.lastSeq, message.seq),
      lastMessage: !conversation.lastMessage || message.seq >= conversation.lastMessage.seq ? message : conversation.lastMessage,
      unreadCount: conversation.unreadCount + (isNew && fromOther && message.seq > conversation.myLastReadSeq ? 1 : 0),
    };
    // The mention badge: a new unread message that names me or everyone.
    if (isNew && fromOther && message.seq > conversation.myLastReadSeq && mentionsMe(message, meId)) {
      updated.mentionCount = (conversation.mentionCount ?? 0) + 1;
    }
    next = { ...next, conversations: { ...next.conversations, [conversation.id]: updated } };
  }
  const typers = next.typing[message.conversationId];
  if (typers && typers[message.senderId]) {
    const rest = { ...typers };
    delete rest[message.senderId];
    next = { ...next, typing: { ...next.typing, [message.conversationId]: rest } };
  }
  return next;
}

function dropOutgoing(state: AppState, message: Message): AppState {
  if (message.senderId !== state.me?.id || !state.outbox[message.clientMsgId]) return state;
  const outbox = { ...state.outbox };
  delete outbox[message.clientMsgId];
  return { ...state, outbox };
}

export function readMarked(state: AppState, event: ConversationReadEvent): AppState {
  const marks = state.reads[event.conversationId] ?? {};
  let next = state;
  if ((marks[event.userId] ?? 0) < event.seq) {
    next = { ...state, reads: { ...state.reads, [event.conversationId]: { ...marks, [event.userId]: event.seq } } };
  }
  const conversation = next.conversations[event.conversationId];
  if (event.userId === next.me?.id && conversation && event.seq > conversation.myLastReadSeq) {
    next = { ...next, conversations: { ...next.conversations, [conversation.id]: markedRead(next, conversation, event.seq) } };
  }
  return next;
}

/** The conversation after its reader has read up to `seq`. */
export function markedRead(state: AppState, conversation: Conversation, seq: number): Conversation {
  const readSeq = Math.max(conversation.myLastReadSeq, seq);
  let unreadCount = conversation.unreadCount;
  if (readSeq >= conversation.lastSeq) {
    unreadCount = 0;
  } else {
    const thread = state.threads[conversation.id];
    if (thread && thread.messages.length > 0 && thread.messages[0]!.seq <= readSeq + 1) {
      // The loaded history covers what follows the read mark: count it exactly. Messages known to
      // exist beyond it (not fetched yet) are not held, so their senders are unknown: each counts
      // as unread until it arrives, never as read.
      const counted = countUnread(thread.messages, readSeq, state.me?.id ?? '');
      const beyond = conversation.lastSeq - lastSeqOf(thread.messages);
      unreadCount = beyond > 0 ? Math.min(conversation.unreadCount, counted + beyond) : counted;
    }
  }
  return { ...conversation, myLastReadSeq: readSeq, unreadCount, ...mentionCountAfterRead(state, conversation, readSeq) };
}

/** Does this message mention `meId` or everyone? */
export function mentionsMe(message: Message, meId: string | undefined): boolean {
  return Boolean(message.mentionsAll) || (meId !== undefined && message.mentions.includes(meId));
}

/**
 * The mention badge after reading up to `readSeq`: none left when everything is read; counted from
 * the loaded history when it covers what follows the mark; otherwise left as it was (the server's
 * next view corrects it) — never raised by reading.
 */
function mentionCountAfterRead(state: AppState, conversation: Conversation, readSeq: number): { mentionCount?: number } {
  if (conversation.mentionCount === undefined) return {};
  if (readSeq >= conversation.lastSeq) return { mentionCount: 0 };
  const thread = state.threads[conversation.id];
  const meId = state.me?.id;
  if (!thread || thread.messages.length === 0 || thread.messages[0]!.seq > readSeq + 1 || lastSeqOf(thread.messages) < conversation.lastSeq) {
    return { mentionCount: conversation.mentionCount };
  }
  const left = thread.messages.filter((m) => m.seq > readSeq && m.senderId !== meId && !m.deletedAt && mentionsMe(m, meId)).length;
  return { mentionCount: Math.min(conversation.mentionCount, left) };
}

export function typingChanged(state: AppState, event: TypingEvent, now = Date.now()): AppState {
  if (event.userId === state.me?.id) return state;
  const typers = { ...(state.typing[event.conversationId] ?? {}) };
  if (event.typing) typers[event.userId] = now + TYPING_LAPSE_MS;
  else if (typers[event.userId]) delete typers[event.userId];
  else return state;
  return { ...state, typing: { ...state.typing, [event.conversationId]: typers } };
}

/** One presence, or a batch (the server's `presence` event and the `presence:watch` answer). */
export function presenceChanged(state: AppState, event: PresenceEvent | readonly PresenceEvent[]): AppState {
  const events = Array.isArray(event) ? event : [event as PresenceEvent];
  if (events.length === 0) return state;
  const presence = { ...state.presence };
  for (const e of events) presence[e.userId] = e.presence;
  return { ...state, presence };
}

/**
 * Some conversations arrived changed (a sync answer that is not the whole list): each is merged
 * as in `conversationsLoaded` (what live events moved on meanwhile is kept), the rest stay.
 */
export function conversationsChanged(state: AppState, list: Conversation[]): AppState {
  if (list.length === 0) return state;
  const conversations = { ...state.conversations };
  const reads = { ...state.reads };
  for (const c of list) {
    conversations[c.id] = newerOf(state, state.conversations[c.id], c);
    reads[c.id] = mergeReads(reads[c.id], readMarksOf(c));
  }
  return { ...state, conversations, reads };
}

/** Conversations that are no longer mine (I left, or was removed): forget them and their history. */
export function conversationsRemoved(state: AppState, ids: readonly string[]): AppState {
  if (ids.length === 0) return state;
  const conversations = { ...state.conversations };
  const threads = { ...state.threads };
  const reads = { ...state.reads };
  const typing = { ...state.typing };
  for (const id of ids) {
    delete conversations[id];
    delete threads[id];
    delete reads[id];
    delete typing[id];
  }
  return { ...state, conversations, threads, reads, typing };
}

/**
 * A sync answer (POST /api/sync): the changed conversations (or the whole list), those no longer
 * mine, and the messages after what each loaded history held. A page only joins a history still
 * loaded; one that has more is paged on by the caller (`GET …/messages?after=`).
 */
export function syncApplied(
  state: AppState,
  answer: {
    full: boolean;
    conversations: Conversation[];
    removed: string[];
    messages: Record<string, { messages: Message[]; hasMore: boolean }>;
    changes?: Record<string, Message[]>;
  },
): AppState {
  let next = answer.full ? conversationsLoaded(state, answer.conversations) : conversationsChanged(state, answer.conversations);
  next = conversationsRemoved(next, answer.removed);
  for (const [id, page] of Object.entries(answer.messages)) {
    if (next.threads[id]) next = pageLoaded(next, id, page.messages, page.hasMore, 'newer');
  }
  for (const list of Object.values(answer.changes ?? {})) {
    for (const message of list) next = messageUpdated(next, message);
  }
  return next;
}

/**
 * `message:updated`, or a changed message in a sync answer: the held copy is replaced unless it is
 * the later change already; replies held that quote it follow (their snippet, or its take-back);
 * the conversation's last message too.
 */
export function messageUpdated(state: AppState, message: Message): AppState {
  let next = state;
  const thread = state.threads[message.conversationId];
  if (thread) {
    let changed = false;
    const messages = thread.messages.map((m) => {
      if (m.id === message.id) {
        const kept = newerCopy(m, message);
        if (kept !== m) changed = true;
        return kept;
      }
      if (m.replyTo?.id === message.id) {
        const replyTo = quoteOf(message);
        if (replyTo.body !== m.replyTo.body || replyTo.deletedAt !== m.replyTo.deletedAt) {
          changed = true;
          return { ...m, replyTo };
        }
      }
      return m;
    });
    if (changed) next = { ...next, threads: { ...next.threads, [message.conversationId]: { ...thread, messages } } };
  }
  const conversation = next.conversations[message.conversationId];
  if (conversation?.lastMessage?.id === message.id) {
    const lastMessage = newerCopy(conversation.lastMessage, message);
    if (lastMessage !== conversation.lastMessage) {
      next = { ...next, conversations: { ...next.conversations, [conversation.id]: { ...conversation, lastMessage } } };
    }
  }
  return next;
}

/** How a reply quotes `original` (the server keeps the same in step: server/messaging/README.md). */
export function quoteOf(original: Message): NonNullable<Message['replyTo']> {
  const quote: NonNullable<Message['replyTo']> = {
    id: original.id,
    seq: original.seq,
    senderId: original.senderId,
    body: original.deletedAt ? '' : [...original.body].slice(0, REPLY_SNIPPET_CHARS).join(''),
  };
  if (original.deletedAt) quote.deletedAt = original.deletedAt;
  return quote;
}
