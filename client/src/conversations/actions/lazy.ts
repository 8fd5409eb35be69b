import { useSyncExternalStore } from 'react';

/** The lazily loaded message-action and header UI (./ui.ts), as one module. */
export type ActionsUi = typeof import('./ui');

// First-load budget: these components are not in the page's first load but in one chunk (./ui.ts),
// fetched as soon as this module runs, in parallel with the rest of the start-up (signing in,
// loading the conversations). The state they act on (./actions.ts) is loaded up front.
//
// Nothing that draws a message row renders before the chunk is here (ConversationView waits for
// it): rows that first drew without the toolbar, reactions or quotes and grew when it arrived moved
// the history under the list's pin to the end, and under load the view ended above the newest
// message (the reading e2e test failed once in CI that way).
let ui: ActionsUi | undefined;
const listeners = new Set<() => void>();

function load(attempt: number): void {
  import('./ui').then(
    (m) => {
      ui = m;
      for (const listener of listeners) listener();
    },
    // A failed fetch (a network blip at start-up) is tried again, less and less often.
    () => setTimeout(() => load(attempt + 1), Math.min(1000 * 2 ** attempt, 15_000)),
  );
}
load(0);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The action UI once its chunk is here (undefined until then; the component re-renders then). */
export function useActionsUi(): ActionsUi | undefined {
  return useSyncExternalStore(subscribe, () => ui);
}
