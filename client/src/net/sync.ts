import type { Conversation, MessagePage } from '../../../shared/schemas/conversations.js';
import type { UserWithPresence } from '../../../shared/schemas/directory.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Presence } from '../../../shared/schemas/presence.js';
import { appStore } from '../app/state';
import { conversationsLoaded, olderLoading, pageLoaded } from '../conversations/apply';
import { lastSeqOf } from '../conversations/thread';
import { api } from './api';

/**
 * Fetching state over REST: the first load, history pages, and catching up after a reconnect.
 * Catching up asks each loaded conversation for everything after its last `seq` (PROTOCOL.md),
 * page after page; merging by `seq` makes a message that also arrives as an event appear once.
 */

const PAGE = 50;
/** Older pages are bigger: someone scrolling back through a long history should not wait often. */
const OLDER_PAGE = 200;
const CATCH_UP_PAGE = 200;

export async function loadConversations(): Promise<void> {
  const list = await api.get<Conversation[]>('/api/conversations');
  appStore.set((s) => conversationsLoaded(s, list));
}

export async function loadUsers(): Promise<void> {
  const list = await api.get<UserWithPresence[]>('/api/users');
  const users: Record<string, User> = {};
  const presence: Record<string, Presence> = {};
  for (const { presence: p, ...user } of list) {
    users[user.id] = user;
    presence[user.id] = p;
  }
  appStore.set((s) => ({ ...s, users: { ...s.users, ...users }, presence: { ...s.presence, ...presence } }));
}

/**
 * After a (re)connect: the conversation list, presence, and each loaded conversation's missed
 * messages, side by side (a slow directory does not hold up the messages).
 */
export async function resync(options: { threads?: boolean } = {}): Promise<void> {
  const threads = options.threads === false ? [] : Object.keys(appStore.get().threads);
  try {
    await Promise.all([loadConversations(), loadUsers(), ...threads.map((id) => fetchNewer(id))]);
  } catch {
    // Offline again or signed out: the next connect tries again.
  }
}

/**
 * The latest page of a conversation. A `message:new` that arrives while it loads has no thread
 * to join yet; it is remembered only as the conversation's `lastSeq`, so anything known beyond
 * the page is fetched right after it.
 */
export async function loadLatest(conversationId: string): Promise<void> {
  const page = await api.get<MessagePage>(`/api/conversations/${conversationId}/messages`, { limit: PAGE });
  appStore.set((s) => pageLoaded(s, conversationId, page.messages, page.hasMore, 'latest'));
  const state = appStore.get();
  const thread = state.threads[conversationId];
  const known = state.conversations[conversationId]?.lastSeq ?? 0;
  // Failing here leaves the page shown; the next message or reconnect fetches the rest.
  if (thread && known > lastSeqOf(thread.messages)) void fetchNewer(conversationId).catch(() => {});
}

export async function loadOlder(conversationId: string): Promise<void> {
  const thread = appStore.get().threads[conversationId];
  if (!thread || thread.loadingOlder || !thread.hasMoreBefore || thread.messages.length === 0) return;
  appStore.set((s) => olderLoading(s, conversationId, true));
  try {
    const before = thread.messages[0]!.seq;
    const page = await api.get<MessagePage>(`/api/conversations/${conversationId}/messages`, { before, limit: OLDER_PAGE });
    appStore.set((s) => pageLoaded(s, conversationId, page.messages, page.hasMore, 'older'));
  } catch {
    appStore.set((s) => olderLoading(s, conversationId, false));
  }
}

const catchingUp = new Map<string, Promise<void>>();
const again = new Set<string>();

/** Fetch every message after the last one held; concurrent calls share one run (plus one more). */
export function fetchNewer(conversationId: string): Promise<void> {
  const running = catchingUp.get(conversationId);
  if (running) {
    again.add(conversationId);
    return running;
  }
  const run = (async () => {
    try {
      do {
        again.delete(conversationId);
        for (;;) {
          const thread = appStore.get().threads[conversationId];
          if (!thread) return;
          const after = lastSeqOf(thread.messages);
          const page = await api.get<MessagePage>(`/api/conversations/${conversationId}/messages`, {
            after,
            limit: CATCH_UP_PAGE,
          });
          appStore.set((s) => pageLoaded(s, conversationId, page.messages, page.hasMore, 'newer'));
          if (!page.hasMore || page.messages.length === 0) break;
        }
      } while (again.has(conversationId));
    } finally {
      catchingUp.delete(conversationId);
    }
  })();
  catchingUp.set(conversationId, run);
  return run;
}
