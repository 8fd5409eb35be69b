// What draws an open conversation beyond its frame, in one lazily loaded chunk (the first-load
// budget, ≤ 110 KB gzip): the history (the virtualised list, its rows with their toolbar, edit box,
// confirmations, reactions and quotes), the pinned list, the reminder notices, the quote above the
// composer and the header's favourite / mute / members / leave buttons. ConversationView draws the
// conversation only once it is here: see ./lazy.ts.
export { MessageList } from '../MessageList';
export { PinnedList } from './PinnedList';
export { ReminderNotices } from './ReminderNotices';
export { ComposerQuote } from './ReplyQuote';
export { ConversationActions } from '../manage/ConversationActions';
