import type { Translate } from '../i18n/i18n';
import type { Row } from './rows';

/**
 * What a screen reader hears of a message besides what the row shows, so that every item of the
 * message list says who, when, what and in which state: the row shows the time, the text, 送信中,
 * 既読 and 編集済み itself, and the sender's name only above the first of someone else's messages.
 */

/** "山田 太郎:" before a row that shows no name (my own messages, and someone's follow-ups). */
export function spokenSender(row: Row, meId: string, nameOf: (userId: string) => string | undefined, t: Translate): string | null {
  if (row.kind === 'outgoing') return t('a11y.messageFrom', { name: t('a11y.me') });
  if (row.message.system) return null;
  if (row.message.senderId === meId) return t('a11y.messageFrom', { name: t('a11y.me') });
  if (!row.grouped) return null;
  return t('a11y.messageFrom', { name: nameOf(row.message.senderId) ?? t('conv.unknownUser') });
}

/**
 * "未読" after a stored message nobody else has read yet (mine, shown without 既読), or one of
 * someone else's that is past my read mark. Pending, failed and taken-back rows say so themselves.
 */
export function spokenState(row: Row, meId: string, myLastReadSeq: number, readLabel: string | null, t: Translate): string | null {
  if (row.kind !== 'message' || row.message.system || row.message.deletedAt) return null;
  const mine = row.message.senderId === meId;
  if (mine ? readLabel === null : row.message.seq > myLastReadSeq) return t('a11y.unread');
  return null;
}
