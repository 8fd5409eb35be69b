import type { Message } from '../../../shared/schemas/conversations.js';
import type { Outgoing } from '../app/state';
import { dayKey } from '../i18n/format';

/**
 * One line of the virtualised history: a message, confirmed or still outgoing. The first message
 * of each day in Tokyo carries the day (`newDay`), and the row shows the day separator above it.
 * Separators are not rows of their own on purpose: the virtualiser keeps the reader's place by the
 * row at the top, and that must be a message, which does not move when older messages arrive.
 */
export type Row =
  | { kind: 'message'; key: string; message: Message; grouped: boolean; newDay?: string }
  | { kind: 'outgoing'; key: string; outgoing: Outgoing; grouped: boolean; newDay?: string };

const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * Confirmed messages, then this conversation's pending ones. A message keeps the same row key
 * from pending to confirmed (sender + clientMsgId), so the row does not flicker when the server
 * acknowledges it.
 */
export function buildRows(messages: readonly Message[], outgoing: readonly Outgoing[], meId: string): Row[] {
  const rows: Row[] = [];
  let lastDay = '';
  let lastSender = '';
  let lastTime = 0;
  const place = (iso: string, senderId: string): { grouped: boolean; newDay?: string } => {
    const day = dayKey(iso);
    const time = Date.parse(iso);
    const newDay = day !== lastDay ? iso : undefined;
    const grouped = !newDay && senderId === lastSender && time - lastTime < GROUP_WINDOW_MS;
    lastDay = day;
    lastSender = senderId;
    lastTime = time;
    return { grouped, newDay };
  };
  for (const message of messages) {
    rows.push({ kind: 'message', key: messageKey(message), message, ...place(message.createdAt, message.senderId) });
  }
  for (const o of outgoing) {
    rows.push({ kind: 'outgoing', key: `c:${meId}:${o.clientMsgId}`, outgoing: o, ...place(o.createdAt, meId) });
  }
  return rows;
}

export function messageKey(message: Message): string {
  return message.clientMsgId ? `c:${message.senderId}:${message.clientMsgId}` : `i:${message.id}`;
}
