import { useScreenWords } from '../i18n/i18n';

// The search screen's words load with it, not in everyone's first-load dictionary.
const ja = {
  heading: 'メッセージを検索',
  query: '検索する言葉',
  submit: '検索',
  filters: '絞り込み',
  conversation: '会話',
  allConversations: 'すべての会話',
  thisConversation: 'この会話({title})',
  sender: '送信者',
  senderPlaceholder: '氏名・よみがなで探す',
  senderAnyone: '指定なし',
  senderClear: '送信者の指定({name})を外す',
  senderChoices: '送信者の候補',
  from: '期間(開始日)',
  to: '期間(終了日)',
  hasFile: 'ファイル付きのみ',
  results: '検索結果',
  count: '{n} 件',
  countMore: '{n} 件以上',
  none: '該当するメッセージはありません。',
  more: 'さらに表示',
  searching: '検索中…',
  hint: '言葉を入力して Enter で検索します。ひらがなとカタカナ、全角と半角は区別しません。',
  error: '検索できませんでした: {reason}',
  inFile: 'ファイル名',
  result: '{title}、{sender}、{when}',
  takenBack: '(取り消されたメッセージ)',
};
type Word = keyof typeof ja;
const en: Record<Word, string> = {
  heading: 'Search messages',
  query: 'Words to search for',
  submit: 'Search',
  filters: 'Filters',
  conversation: 'Conversation',
  allConversations: 'All conversations',
  thisConversation: 'This conversation ({title})',
  sender: 'Sender',
  senderPlaceholder: 'Name or reading',
  senderAnyone: 'Anyone',
  senderClear: 'Remove the sender filter ({name})',
  senderChoices: 'Matching people',
  from: 'From',
  to: 'To',
  hasFile: 'With files only',
  results: 'Results',
  count: '{n} found',
  countMore: 'more than {n} found',
  none: 'No messages match.',
  more: 'Show more',
  searching: 'Searching…',
  hint: 'Type words and press Enter. Hiragana and katakana, full and half width are treated alike.',
  error: 'Could not search: {reason}',
  inFile: 'File name',
  result: '{title}, {sender}, {when}',
  takenBack: '(taken back)',
};

export function useSearchWords() {
  return useScreenWords(ja, en);
}
