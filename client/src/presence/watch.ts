import { useEffect } from 'react';
import type { PresenceEvent } from '../../../shared/schemas/presence.js';
import { appStore, type AppState } from '../app/state';
import { emitPresenceWatch, isConnected, onConnected } from '../net/socket';

/**
 * Presence by subscription (PROTOCOL.md `presence:watch`): the server pushes presence only for
 * the people this client says it shows. This module works out that set — the screens' own
 * (registered below) and the members of the conversations in the list — and sends it whenever it
 * changes (debounced) and on every (re)connect, then puts the acknowledged presences in the store.
 */

/** The server's limit (shared/schemas/presence.ts PRESENCE_WATCH_MAX), kept here so the first load carries no schema library. */
export const WATCH_MAX = 1000;
const DEBOUNCE_MS = 300;
/**
 * A watch that went unanswered or met `unavailable` is sent again after about this long (±50 %),
 * doubling up to RETRY_MAX_MS while it keeps failing: the server skips pushes of what a watch
 * answers, so a lost answer must be asked for again. Other errors are not retried.
 */
export const RETRY_MS = 3000;
export const RETRY_MAX_MS = 60_000;

/** What screens show now, by registration (a directory page, search results, a person card). */
const shown = new Map<number, readonly string[]>();
let nextRegistration = 0;

/** Registers people a screen shows; returns the function that unregisters them. */
export function registerShown(userIds: readonly string[]): () => void {
  const key = nextRegistration++;
  shown.set(key, userIds);
  scheduleSend();
  return () => {
    if (shown.delete(key)) scheduleSend();
  };
}

/** A screen's hook: watch these people while the component is mounted and shows them. */
export function useWatchedPeople(userIds: readonly string[]): void {
  const key = userIds.join(',');
  useEffect(() => registerShown(key ? key.split(',') : []), [key]);
}

const activity = (c: AppState['conversations'][string]) => c.lastMessage?.createdAt ?? c.createdAt;

/**
 * The people to watch, most relevant first, at most `max`: myself; what screens show (latest
 * registration first); the other person of each direct message; then the members of the other
 * conversations — conversations by latest activity.
 */
export function watchedPeople(
  state: Pick<AppState, 'me' | 'conversations'>,
  screens: Iterable<readonly string[]>,
  max = WATCH_MAX,
): string[] {
  const out = new Set<string>();
  const add = (id: string) => {
    if (out.size < max) out.add(id);
  };
  if (state.me) add(state.me.id);
  for (const ids of [...screens].reverse()) for (const id of ids) add(id);
  const conversations = Object.values(state.conversations).sort((a, b) => activity(b).localeCompare(activity(a)));
  for (const c of conversations) if (c.kind === 'dm') for (const id of c.memberIds) add(id);
  for (const c of conversations) if (c.kind !== 'dm') for (const id of c.memberIds) add(id);
  return [...out];
}

// ── sending ─────────────────────────────────────────────────────

let lastSent = '';
let timer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retries = 0;
let seen: { conversations: AppState['conversations'] | null; me: AppState['me'] } = { conversations: null, me: null };
let running = false;
let request = 0;

function scheduleSend(): void {
  if (!running || timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    send(false);
  }, DEBOUNCE_MS);
}

function scheduleRetry(): void {
  if (!running || retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    send(false);
  }, Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** retries++) * (0.5 + Math.random()));
}

/** Store changes matter only when the conversations or the person changed (not every message). */
function onStoreChange(): void {
  const s = appStore.get();
  if (s.conversations === seen.conversations && s.me === seen.me) return;
  scheduleSend();
}

function send(force: boolean): void {
  if (!isConnected()) return; // the next connect sends the whole set
  const state = appStore.get();
  seen = { conversations: state.conversations, me: state.me };
  const ids = watchedPeople(state, shown.values());
  const key = ids.join(',');
  if (!force && key === lastSent) return;
  lastSent = key;
  const mine = ++request;
  void emitPresenceWatch(ids).then((ack) => {
    if (mine !== request) return; // a later set was sent meanwhile: its answer counts
    if (!ack.ok) {
      lastSent = ''; // try again with the next change or connect, and shortly if it may pass then
      if (ack.error.code === 'unavailable') scheduleRetry();
      return;
    }
    retries = 0;
    appStore.set((st) => withPresences(st, ack.presences));
  });
}

function withPresences(state: AppState, presences: readonly PresenceEvent[]): AppState {
  if (presences.length === 0) return state;
  const presence = { ...state.presence };
  for (const p of presences) presence[p.userId] = p.presence;
  return { ...state, presence };
}

/** Starts following what is shown (after sign-in); returns the function that stops it. */
export function startPresenceWatch(): () => void {
  running = true;
  const unsubscribeStore = appStore.subscribe(onStoreChange);
  // A new connection watches nobody: send the whole set again on every (re)connect.
  const unsubscribeConnect = onConnected(() => send(true));
  send(true);
  return () => {
    running = false;
    unsubscribeStore();
    unsubscribeConnect();
    clearTimeout(timer);
    timer = undefined;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    retries = 0;
    lastSent = '';
    seen = { conversations: null, me: null };
  };
}
