import type { Conversation } from '../../../shared/schemas/conversations.js';
import type { AppState } from '../app/state';
import { appStore } from '../app/state';
import { api } from '../net/api';
import { conversationUpserted } from './apply';

/**
 * The conversation list beyond its first page. The server answers at most PAGE conversations
 * per request, latest activity first (PROTOCOL extension: `?limit=&before=<cursor>`); the first
 * page comes with every (re)sync, and the sidebar asks for the next one when scrolled to its end.
 * The cursor is the position of the oldest conversation held (`<activity ms>_<id>`), the same
 * value the server sends in `X-Next-Cursor`, so it is right whatever loaded the list last.
 */

const PAGE = 200;

/** The list position of a conversation: its activity time (ms) and id. */
export function cursorOf(conversation: Conversation): string {
  const at = conversation.activityAt ?? conversation.lastMessage?.createdAt ?? conversation.createdAt;
  return `${Date.parse(at)}_${conversation.id}`;
}

/** The position after which the next page starts: the oldest conversation held. */
export function oldestCursor(conversations: readonly Conversation[]): string | undefined {
  let oldest: { at: number; id: string } | undefined;
  for (const c of conversations) {
    const [ms, id] = cursorOf(c).split('_') as [string, string];
    const at = Number(ms);
    if (!oldest || at < oldest.at || (at === oldest.at && id < oldest.id)) oldest = { at, id };
  }
  return oldest ? `${oldest.at}_${oldest.id}` : undefined;
}

/** A further page arrived: conversations already held are newer (events keep them current). */
export function conversationsAppended(state: AppState, page: readonly Conversation[]): AppState {
  let next = state;
  for (const c of page) if (!next.conversations[c.id]) next = conversationUpserted(next, c);
  return next;
}

/** `conversation:updated`: members or title changed; the live fields held stay as they are. */
export function conversationChanged(state: AppState, conversation: Conversation): AppState {
  const held = state.conversations[conversation.id];
  if (!held) return conversationUpserted(state, conversation);
  const { muted: _m, favourite: _f, ...rest } = held;
  // The event is this person's own view: their mute and favourite come with it (issue 9).
  const merged: Conversation = {
    ...rest,
    kind: conversation.kind,
    title: conversation.title,
    memberIds: conversation.memberIds,
    // A meeting's conversation: which meeting, and once it ended, closed for good (issue 10).
    ...(conversation.meetingId ? { meetingId: conversation.meetingId } : {}),
    ...(conversation.closedAt ? { closedAt: conversation.closedAt } : {}),
    ...(conversation.muted ? { muted: true } : {}),
    ...(conversation.favourite ? { favourite: true } : {}),
  };
  return { ...state, conversations: { ...state.conversations, [conversation.id]: merged } };
}

/** `conversation:left` (or my own leave): the conversation and its loaded history go. */
export function conversationRemoved(state: AppState, conversationId: string): AppState {
  if (!state.conversations[conversationId] && !state.threads[conversationId]) return state;
  const conversations = { ...state.conversations };
  const threads = { ...state.threads };
  delete conversations[conversationId];
  delete threads[conversationId];
  return { ...state, conversations, threads };
}

let loading = false;
/** The cursor that last answered an empty page: nothing lies beyond it (until the list changes). */
let endedAt: string | undefined;

/** Loads the page after the oldest conversation held, once at a time; stops at the end. */
export async function loadMoreConversations(): Promise<void> {
  const held = Object.values(appStore.get().conversations);
  const cursor = oldestCursor(held);
  if (loading || !cursor || cursor === endedAt) return;
  loading = true;
  try {
    const page = await api.get<Conversation[]>('/api/conversations', { limit: PAGE, before: cursor });
    if (page.length === 0) endedAt = cursor;
    appStore.set((s) => conversationsAppended(s, page));
  } catch {
    // Offline or signed out: scrolling to the end again retries.
  } finally {
    loading = false;
  }
}

/** Leaves a group or channel; the server then tells my other tabs with `conversation:left`. */
export async function leaveConversation(conversationId: string): Promise<void> {
  // The open view must not fetch it by id once `conversation:left` removes it (that would be a 403).
  asked.add(conversationId);
  setTimeout(() => asked.delete(conversationId), 10_000);
  await api.post<void>(`/api/conversations/${conversationId}/leave`);
  appStore.set((s) => conversationRemoved(s, conversationId));
}

const asked = new Set<string>();

/**
 * One conversation that is not in the loaded pages (opened by link, or dropped when a resync
 * reloaded the first page only): fetched by id, once per id, so the open view never goes blank.
 */
export async function loadConversation(conversationId: string): Promise<void> {
  if (asked.has(conversationId)) return;
  asked.add(conversationId);
  try {
    const conversation = await api.get<Conversation>(`/api/conversations/${conversationId}`);
    appStore.set((s) => (s.conversations[conversationId] ? s : conversationUpserted(s, conversation)));
  } catch {
    // Not a member or gone: the view says so.
  } finally {
    // Asked again after a later change (the next resync may drop it once more).
    setTimeout(() => asked.delete(conversationId), 10_000);
  }
}
