// The message-action UI that the first screen can do without, in one lazily loaded chunk (the
// first-load budget, ≤ 110 KB gzip): the toolbar with its reaction picker, the edit box, the
// acknowledgement controls, the pinned list, the reminder notices, the reaction chips and the reply
// quotes. See ./lazy.tsx.
export { MessageActions } from './MessageActions';
export { EditBox } from './EditBox';
export { AckControls } from './AckControls';
export { PinnedList } from './PinnedList';
export { ReminderNotices } from './ReminderNotices';
export { ReactionBar } from './ReactionBar';
export { ReplyQuote, ComposerQuote } from './ReplyQuote';
