import { api } from '../net/api';

/**
 * Unsent text per conversation, kept on the server (`GET`/`PUT /api/conversations/:id/draft`) so
 * that it survives a reload and follows the person to another terminal — and never in the
 * browser's storage (the terminal is shared; DESIGN.md: no message content on the terminal).
 * This tab holds what it last saw or typed in memory only, dropped at sign-out. Saves are
 * debounced; the last one is also sent when the page goes away (`keepalive`).
 */

const SAVE_AFTER_MS = 800;
const RETRY_AFTER_MS = 5000;

/** What this tab last saw or typed, per conversation. */
const known = new Map<string, string>();
/** Typed but not yet stored on the server. */
const unsaved = new Map<string, string>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** Bumped at sign-out, so that an answer for the previous person is dropped. */
let generation = 0;
let exitHookInstalled = false;

const path = (conversationId: string) => `/api/conversations/${conversationId}/draft`;

/** The draft this tab already knows, at once (undefined when it has not loaded it yet). */
export function peekDraft(conversationId: string): string | undefined {
  return known.get(conversationId);
}

/** The stored draft; text typed here and not yet saved wins over it. */
export async function loadDraft(conversationId: string): Promise<string> {
  const gen = generation;
  const { body } = await api.get<{ body: string }>(path(conversationId));
  if (gen !== generation) return '';
  const mine = unsaved.get(conversationId);
  if (mine !== undefined) return mine;
  known.set(conversationId, body);
  return body;
}

/** The person typed: remember it, and store it once they pause. */
export function saveDraft(conversationId: string, text: string): void {
  installExitHook();
  known.set(conversationId, text);
  unsaved.set(conversationId, text);
  schedule(conversationId, SAVE_AFTER_MS);
}

/** The message was sent: the draft goes at once (not after the pause). */
export function clearDraft(conversationId: string): void {
  known.set(conversationId, '');
  unsaved.set(conversationId, '');
  void flushDraft(conversationId);
}

/** Stores what is waiting for this conversation now (leaving it, sending). */
export async function flushDraft(conversationId: string): Promise<void> {
  clearTimeout(timers.get(conversationId));
  timers.delete(conversationId);
  const text = unsaved.get(conversationId);
  if (text === undefined) return;
  unsaved.delete(conversationId);
  const gen = generation;
  try {
    await api.put<void>(path(conversationId), { body: text });
  } catch {
    // Offline or the server is busy: keep it and try again, unless newer text took its place.
    if (gen === generation && !unsaved.has(conversationId)) {
      unsaved.set(conversationId, text);
      schedule(conversationId, RETRY_AFTER_MS);
    }
  }
}

/** Forget every draft in this tab (sign-out); what the server holds stays the person's. */
export function clearDrafts(): void {
  generation += 1;
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  known.clear();
  unsaved.clear();
}

function schedule(conversationId: string, ms: number): void {
  clearTimeout(timers.get(conversationId));
  timers.set(
    conversationId,
    setTimeout(() => void flushDraft(conversationId), ms),
  );
}

/** A reload or a closed tab within the pause still stores the last text. */
function installExitHook(): void {
  if (exitHookInstalled || typeof window === 'undefined') return;
  exitHookInstalled = true;
  window.addEventListener('pagehide', () => {
    for (const [conversationId, text] of unsaved) {
      void fetch(path(conversationId), {
        method: 'PUT',
        credentials: 'same-origin',
        keepalive: true,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: text }),
      }).catch(() => undefined);
    }
    unsaved.clear();
  });
}
