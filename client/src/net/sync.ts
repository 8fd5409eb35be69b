import type { Conversation, MessagePage } from '../../../shared/schemas/conversations.js';
import type { DirectoryListing } from '../../../shared/schemas/directory.js';
import type { SyncAnswer } from '../../../shared/schemas/sync.js';
import type { User } from '../../../shared/schemas/auth.js';
import { appStore, type AppState } from '../app/state';
import { conversationsLoaded, olderLoading, pageLoaded, syncApplied } from '../conversations/apply';
import { lastSeqOf } from '../conversations/thread';
import { api, ApiError } from './api';
import { backoffMs } from './server-trouble';

/**
 * Fetching state over REST: the first load, history pages, and catching up after a reconnect.
 * Catching up is one sync request (below); a history with more missed messages than one answer
 * holds asks for everything after its last `seq` (PROTOCOL.md), page after page. Merging by `seq`
 * makes a message that also arrives as an event appear once.
 */

const PAGE = 50;
/** Older pages are bigger: someone scrolling back through a long history should not wait often. */
const OLDER_PAGE = 200;
const CATCH_UP_PAGE = 200;

export async function loadConversations(): Promise<void> {
  const list = await api.get<Conversation[]>('/api/conversations');
  appStore.set((s) => conversationsLoaded(s, list));
}

/**
 * What the signed-in screen needs first: the conversation list and the directory. A load the server
 * cannot serve now (503 while its database is busy or down, a network error) is tried again with
 * backoff until it succeeds — or the person is no longer the one signed in — instead of leaving an
 * empty sidebar until the next reconnect.
 */
export function loadAfterSignIn(): void {
  const me = appStore.get().me?.id;
  const keepTrying = (load: () => Promise<void>, attempt = 0): void => {
    load().catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
      if (error.code !== 'unavailable' && error.code !== 'internal') return;
      setTimeout(() => {
        if (me && appStore.get().me?.id === me) keepTrying(load, attempt + 1);
      }, backoffMs(attempt));
    });
  };
  keepTrying(loadConversations);
  keepTrying(loadDirectory);
}

/**
 * Catching up after a (re)connect: ONE request, `POST /api/sync` (server/sync/README.md), with the
 * cursor of the previous sync and the last seq of each loaded history; the answer holds only what
 * changed (conversations, read marks, messages, whether the directory changed). The cursor is
 * kept in memory only (it holds ids, seqs and hashes, no message content) and belongs to the
 * signed-in person; a history with more than one answer holds is paged on with `after=`.
 */

/** After a reconnect each client waits a random 0–1 s first, so 3,000 returning clients spread out. */
export const SYNC_JITTER_MS = 1000;

let held: { userId: string; cursor: string } | null = null;
/** The directory version the users and departments in the store came from. */
let directory: { userId: string; version: string } | null = null;
let running: Promise<void> | null = null;
let syncAgain = false;

/**
 * Catch up now (or, with `jitter`, after a random pause). Calls while one runs share it, plus one
 * more run afterwards, so nothing that happened meanwhile is missed and the cursor moves in order.
 */
export function resync(options: { jitter?: boolean } = {}): Promise<void> {
  if (running) {
    syncAgain = true;
    return running;
  }
  const run = (async () => {
    try {
      if (options.jitter) await new Promise((r) => setTimeout(r, Math.random() * SYNC_JITTER_MS));
      do {
        syncAgain = false;
        await syncOnce();
      } while (syncAgain);
    } catch {
      // Offline again or signed out: the next connect tries again.
    } finally {
      running = null;
    }
  })();
  running = run;
  return run;
}

async function syncOnce(): Promise<void> {
  const state = appStore.get();
  const me = state.me?.id;
  if (!me) return;
  // Without a loaded list, ask for the whole of it (no cursor): the cursor says what the server
  // told a list that may since have been dropped (sign-out and in again).
  const cursor = state.conversationsLoaded && held?.userId === me ? held.cursor : undefined;
  const seqs: Record<string, number> = {};
  // The first seq held too: changed messages come only for what the history holds.
  const froms: Record<string, number> = {};
  for (const [id, thread] of Object.entries(state.threads)) {
    seqs[id] = lastSeqOf(thread.messages);
    froms[id] = thread.messages[0]?.seq ?? 0;
  }
  let answer: SyncAnswer;
  try {
    answer = await api.post<SyncAnswer>('/api/sync', { ...(cursor ? { cursor } : {}), seqs, froms });
  } catch (error) {
    // A cursor the server no longer accepts (another format after an upgrade): start afresh.
    if (!(cursor && error instanceof ApiError && error.code === 'bad_request')) throw error;
    held = null;
    answer = await api.post<SyncAnswer>('/api/sync', { seqs, froms });
  }
  if (appStore.get().me?.id !== me) return; // signed out meanwhile
  held = { userId: me, cursor: answer.cursor };
  appStore.set((s) => syncApplied(s, answer));
  for (const [id, page] of Object.entries(answer.messages)) {
    if (page.hasMore) void fetchNewer(id).catch(() => {}); // the next reconnect catches up
  }
  await refreshDirectory(me, answer.directoryVersion);
}

/**
 * The directory is fetched again only when its version changed, with If-None-Match (a 304 costs
 * nothing). The first sync after sign-in adopts the version: the sign-in load was just made.
 */
async function refreshDirectory(me: string, version: string): Promise<void> {
  if (directory?.userId !== me) {
    directory = { userId: me, version };
    return;
  }
  if (directory.version === version) return;
  const response = await fetch('/api/directory', {
    credentials: 'same-origin',
    // Not the browser's cache: the listing lives in memory, and If-None-Match is ours to send.
    cache: 'no-store',
    headers: { Accept: 'application/json', 'If-None-Match': `"dir-${directory.version}"` },
  });
  if (response.status === 304) {
    directory = { userId: me, version };
    return;
  }
  if (!response.ok) return; // the next sync tries again
  const listing = (await response.json()) as DirectoryListing;
  if (appStore.get().me?.id !== me) return;
  appStore.set((s) => directoryLoaded(s, listing));
  directory = { userId: me, version: listing.version };
}

/**
 * The first load after sign-in: everyone and every department, without presence (presence comes
 * with `presence:watch`, for the people on screen), remembered with its version so that later
 * syncs fetch it again only when it changed.
 */
export async function loadDirectory(): Promise<void> {
  const me = appStore.get().me?.id;
  const listing = await api.get<DirectoryListing>('/api/directory');
  if (!me || appStore.get().me?.id !== me) return;
  appStore.set((s) => directoryLoaded(s, listing));
  directory = { userId: me, version: listing.version };
}

/** The presence-free directory replaces users and departments; presence is left as it is. */
function directoryLoaded(state: AppState, listing: DirectoryListing): AppState {
  const users: Record<string, User> = {};
  for (const user of listing.users) users[user.id] = user;
  return { ...state, users, departments: listing.departments };
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

/** Messages loaded before a message jumped to, so that it is not the first line of the history. */
const JUMP_CONTEXT = 20;
/** Older pages fetched at once when jumping far back. */
const JUMP_PARALLEL = 4;

/**
 * Load the history back to `seq` (a search result, a quote's original far back), and a little
 * before it. The held history stays one unbroken run up to the newest message (what catch-up,
 * read marks and the virtualised list rely on), so the pages between are loaded too — but not one
 * after another: seqs have no gaps, so every page's `before` is known in advance and a few are
 * fetched at once, then merged in one state change.
 */
export async function loadBackTo(conversationId: string, seq: number): Promise<void> {
  const thread = appStore.get().threads[conversationId];
  if (!thread || thread.loadingOlder || !thread.hasMoreBefore || thread.messages.length === 0) return;
  const first = thread.messages[0]!.seq;
  const target = Math.max(1, seq - JUMP_CONTEXT);
  if (target >= first) return;
  appStore.set((s) => olderLoading(s, conversationId, true));
  try {
    const befores: number[] = [];
    for (let before = first; before > target; before -= OLDER_PAGE) befores.push(before);
    const pages: MessagePage[] = new Array(befores.length);
    let next = 0;
    const worker = async () => {
      while (next < befores.length) {
        const i = next++;
        pages[i] = await api.get<MessagePage>(`/api/conversations/${conversationId}/messages`, { before: befores[i], limit: OLDER_PAGE });
      }
    };
    await Promise.all(Array.from({ length: Math.min(JUMP_PARALLEL, befores.length) }, worker));
    const oldest = pages[pages.length - 1]!;
    appStore.set((s) => pageLoaded(s, conversationId, pages.flatMap((p) => p.messages), oldest.hasMore, 'older'));
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
