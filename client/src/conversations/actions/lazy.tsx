import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';

type UI = typeof import('./ui');
type Name = 'MessageActions' | 'EditBox' | 'AckControls' | 'PinnedList' | 'ReminderNotices' | 'ReactionBar' | 'ReplyQuote' | 'ComposerQuote';

// First-load budget: these components are not in the page's first load but in one chunk (./ui.ts),
// fetched as soon as this module runs, in parallel with the rest of the start-up (signing in,
// loading the conversations), so it is normally here before the first message row is drawn. The
// state they act on (./actions.ts) is loaded up front, so nothing is missed meanwhile.
let ui: UI | undefined;
let loading: Promise<UI> | undefined;
const load = (): Promise<UI> =>
  (loading ??= import('./ui').then(
    (m) => (ui = m),
    (error: unknown) => {
      loading = undefined; // a later render tries again
      throw error;
    },
  ));
void load().catch(() => {});

function deferred<K extends Name>(name: K) {
  // Once the chunk is here, a thenable that resolves at once lets React render the component in the
  // same pass (no fallback, no row that first draws empty and then grows).
  const Lazy = lazy(() =>
    ui
      ? ({ then: (resolve: (m: { default: ComponentType<any> }) => void) => resolve({ default: ui![name] as ComponentType<any> }) } as unknown as Promise<{ default: ComponentType<any> }>)
      : load().then((m) => ({ default: m[name] as ComponentType<any> })),
  );
  return function Deferred(props: ComponentProps<UI[K]>) {
    return (
      <Suspense fallback={null}>
        <Lazy {...(props as object)} />
      </Suspense>
    );
  };
}

export const MessageActions = deferred('MessageActions');
export const EditBox = deferred('EditBox');
export const AckControls = deferred('AckControls');
export const PinnedList = deferred('PinnedList');
export const ReminderNotices = deferred('ReminderNotices');
export const ReactionBar = deferred('ReactionBar');
export const ReplyQuote = deferred('ReplyQuote');
export const ComposerQuote = deferred('ComposerQuote');
