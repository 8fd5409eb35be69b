import type { Message } from '../../../shared/schemas/conversations.js';

/**
 * Merge messages into an ascending, gap-free-by-construction list: one entry per `seq`, a later
 * copy of a message (an edit, a deletion) replacing the earlier one. Appending newer messages, the
 * common case, costs only the new ones.
 */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const last = current.length > 0 ? current[current.length - 1]!.seq : 0;
  const sortedIncoming = [...incoming].sort((a, b) => a.seq - b.seq);
  if (sortedIncoming[0]!.seq > last && isStrictlyAscending(sortedIncoming)) {
    return [...current, ...sortedIncoming];
  }
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of sortedIncoming) bySeq.set(m.seq, newerCopy(bySeq.get(m.seq), m));
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Of two copies of one message, the one with the later change (`changeSeq`; none means never
 * changed): a page fetched before an edit must not undo the edit's event that arrived first.
 */
export function newerCopy(held: Message | undefined, incoming: Message): Message {
  if (!held || held.id !== incoming.id) return incoming;
  return (held.changeSeq ?? 0) > (incoming.changeSeq ?? 0) ? held : incoming;
}

function isStrictlyAscending(messages: readonly Message[]): boolean {
  for (let i = 1; i < messages.length; i++) if (messages[i]!.seq <= messages[i - 1]!.seq) return false;
  return true;
}

/** The highest seq held, 0 when none. */
export function lastSeqOf(messages: readonly Message[]): number {
  return messages.length > 0 ? messages[messages.length - 1]!.seq : 0;
}

/** Messages from others after `readSeq` among those held. */
export function countUnread(messages: readonly Message[], readSeq: number, meId: string): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > readSeq; i--) {
    if (messages[i]!.senderId !== meId && !messages[i]!.deletedAt) n++;
  }
  return n;
}
