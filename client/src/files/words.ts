import { useScreenWords } from '../i18n/i18n';

// The words of files in the history, the viewer and the files list: they load with those (the
// history's chunk and lazy screens), not in everyone's first-load dictionary.
const ja = {
  download: 'ダウンロード',
  open: '{name} を開く',
  viewer: 'ファイルの表示',
  close: '閉じる',
  panelHeading: 'ファイル',
  panelOf: '「{title}」のファイル',
  kind: '種類',
  kindAll: 'すべて',
  'kind.image': '画像',
  'kind.pdf': 'PDF',
  'kind.document': '文書',
  'kind.spreadsheet': '表計算',
  'kind.presentation': 'プレゼンテーション',
  'kind.text': 'テキスト',
  'kind.archive': '圧縮ファイル',
  'kind.other': 'その他',
  empty: 'この会話にはまだファイルがありません。',
  emptyKind: 'この種類のファイルはありません。',
  more: 'さらに表示',
  loading: '読み込み中…',
  jump: 'メッセージへ移動',
  sentBy: '{name}・{when}',
  error: '読み込めませんでした: {reason}',
  files: '添付ファイル {n} 件',
};
type Word = keyof typeof ja;
const en: Record<Word, string> = {
  download: 'Download',
  open: 'Open {name}',
  viewer: 'File viewer',
  close: 'Close',
  panelHeading: 'Files',
  panelOf: 'Files in “{title}”',
  kind: 'Type',
  kindAll: 'All',
  'kind.image': 'Images',
  'kind.pdf': 'PDF',
  'kind.document': 'Documents',
  'kind.spreadsheet': 'Spreadsheets',
  'kind.presentation': 'Presentations',
  'kind.text': 'Text',
  'kind.archive': 'Archives',
  'kind.other': 'Other',
  empty: 'No files in this conversation yet.',
  emptyKind: 'No files of this type.',
  more: 'Show more',
  loading: 'Loading…',
  jump: 'Go to the message',
  sentBy: '{name}, {when}',
  error: 'Could not load: {reason}',
  files: '{n} attached files',
};

export function useFileWords() {
  return useScreenWords(ja, en);
}
