import { useSyncExternalStore } from 'react';

/** The lazily loaded history and header UI (./ui.ts), as one module. */
export type ActionsUi = typeof import('./ui');

// First-load budget: these components (and the list virtualiser) are not in the page's first load
// but in one chunk (./ui.ts), fetched as soon as this module runs, in parallel with the rest of the
// start-up (checking the session, loading the conversations and the first page of messages). The
// state they act on (./actions.ts, the store) is loaded up front, so no event is missed meanwhile.
//
// A message row and all its parts come in this one chunk, and ConversationView draws the history
// only once it is here: no row ever draws without its toolbar, reactions or quote and grows when
// they arrive. Rows that did (each part a lazy component of its own) moved the history under the
// list's pin to the end, and under load the view ended above the newest message (the reading e2e
// test failed once in CI that way).
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
