import { createStore, useStore } from '../app/store';

/**
 * Whether the server has just said it cannot serve us (`unavailable`: HTTP 503, or a socket
 * handshake refused with `unavailable`) — typically its database is down. The person stays signed
 * in; the banner says the server is having trouble; it clears at the next answer that works.
 */
const troubleStore = createStore<{ trouble: boolean }>({ trouble: false });

export function reportServerTrouble(): void {
  troubleStore.set((s) => (s.trouble ? s : { trouble: true }));
}

export function reportServerFine(): void {
  troubleStore.set((s) => (s.trouble ? { trouble: false } : s));
}

export function hasServerTrouble(): boolean {
  return troubleStore.get().trouble;
}

export function useServerTrouble(): boolean {
  return useStore(troubleStore, (s) => s.trouble);
}

/** Waits before the n-th retry (0-based): 1, 2, 4 … s up to 30 s, each with jitter so tabs spread out. */
export function backoffMs(attempt: number): number {
  const base = Math.min(1000 * 2 ** Math.min(attempt, 5), 30_000);
  return Math.round(base * (0.5 + Math.random() / 2));
}
