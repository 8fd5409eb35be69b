import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';

// First-load budget: these components are fetched with the first message row that shows them
// (one chunk, ./ui.ts), not with the page. Until it is here they render nothing; the state they
// act on (./actions.ts) is loaded up front, so nothing is missed meanwhile.
const load = () => import('./ui');

function deferred<K extends 'MessageActions' | 'EditBox' | 'AckControls' | 'PinnedList' | 'ReminderNotices' | 'ReactionBar' | 'ReplyQuote' | 'ComposerQuote'>(name: K) {
  const Lazy = lazy(() => load().then((m) => ({ default: m[name] as ComponentType<any> })));
  type Props = ComponentProps<Awaited<ReturnType<typeof load>>[K]>;
  return function Deferred(props: Props) {
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
