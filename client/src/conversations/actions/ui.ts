// The UI of message actions and of the conversation header that the first screen can do without,
// in one lazily loaded chunk (the first-load budget, ≤ 110 KB gzip): the toolbar with its reaction
// picker, the edit box, the acknowledgement controls, the pinned list, the reminder notices, the
// reaction chips, the reply quotes and the header's favourite / mute / members / leave buttons.
// ConversationView draws the conversation only once it is here: see ./lazy.ts.
export { MessageActions } from './MessageActions';
export { EditBox } from './EditBox';
export { AckControls } from './AckControls';
export { PinnedList } from './PinnedList';
export { ReminderNotices } from './ReminderNotices';
export { ReactionBar } from './ReactionBar';
export { ReplyQuote, ComposerQuote } from './ReplyQuote';
export { ConversationActions } from '../manage/ConversationActions';
