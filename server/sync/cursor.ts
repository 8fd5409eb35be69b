import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { ConversationSyncState } from '../conversations/conversations.service.js';

/**
 * The sync cursor: what the server last told this client about each of its conversations, so
 * that the next sync sends only what differs. Binary, then base64url (README.md, "The cursor"):
 *
 *   byte 0        format version (2)
 *   bytes 1–12    the user id (a cursor is refused for anyone else)
 *   bytes 13–18   when it was issued (ms since epoch, 48 bits; informational)
 *   then per conversation, 26 bytes:
 *     12  conversation id
 *      4  lastSeq the client was told (uint32, big-endian)
 *      6  state tag: the first 6 bytes of SHA-1 over kind, title, members, read marks and change counter
 *      4  changeSeq: the conversation's change counter the client is caught up to (uint32, big-endian)
 *
 * Nothing in it is secret or trusted: membership is checked against the database on every sync,
 * so a forged cursor can only make the server send the caller more or less of the caller's own data.
 * Format 1 (without changeSeq) is refused with `bad_request`; the web client then syncs afresh.
 */

const FORMAT = 2;
const HEADER = 19;
const ENTRY = 26;
const TAG = 6;

export interface CursorEntry {
  seq: number;
  tag: string;
  changeSeq: number;
}

export interface Cursor {
  userId: string;
  issuedAt: number;
  entries: Map<string, CursorEntry>;
}

export function encodeCursor(cursor: Cursor): string {
  const buf = Buffer.alloc(HEADER + ENTRY * cursor.entries.size);
  buf.writeUInt8(FORMAT, 0);
  buf.write(cursor.userId, 1, 12, 'hex');
  buf.writeUIntBE(cursor.issuedAt, 13, 6);
  let at = HEADER;
  for (const [id, entry] of cursor.entries) {
    buf.write(id, at, 12, 'hex');
    buf.writeUInt32BE(entry.seq, at + 12);
    buf.write(entry.tag, at + 16, TAG, 'hex');
    buf.writeUInt32BE(entry.changeSeq, at + 22);
    at += ENTRY;
  }
  return buf.toString('base64url');
}

/** The cursor, or `bad_request` if it is not one this server issued to this user. */
export function decodeCursor(text: string, userId: string): Cursor {
  const buf = Buffer.from(text, 'base64url');
  // base64url round-trips exactly only for text the server produced (no padding, no stray bits).
  const wellFormed =
    buf.toString('base64url') === text && buf.length >= HEADER && (buf.length - HEADER) % ENTRY === 0 && buf.readUInt8(0) === FORMAT;
  if (!wellFormed) throw new AppError('bad_request', 'cursor: not a cursor returned by the server');
  if (buf.toString('hex', 1, 13) !== userId) throw new AppError('bad_request', 'cursor: issued to someone else');
  const entries = new Map<string, CursorEntry>();
  for (let at = HEADER; at < buf.length; at += ENTRY) {
    entries.set(buf.toString('hex', at, at + 12), {
      seq: buf.readUInt32BE(at + 12),
      tag: buf.toString('hex', at + 16, at + 16 + TAG),
      changeSeq: buf.readUInt32BE(at + 22),
    });
  }
  return { userId, issuedAt: buf.readUIntBE(13, 6), entries };
}

/**
 * Changes whenever the conversation's kind, title, members, any read mark, its change counter or
 * the caller's own mute/favourite changes. Read marks and the counter only rise, so a moved one
 * always changes the text hashed; a collision (2^-48) would delay a change until the conversation's
 * next one. The counter is in it so that a conversation whose messages changed is sent again: its
 * `lastMessage` may be the one edited or taken back, and the list must not keep showing the old text.
 */
export function stateTag(state: ConversationSyncState, changeSeq = 0): string {
  const marks = Object.entries(state.readSeqs)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([user, seq]) => `${user}:${seq}`);
  const text = [state.kind, state.title, [...state.memberIds].sort().join(','), marks.join(','), String(changeSeq)].join('\n');
  // The caller's mute/favourite (issue 9) count only when set.
  const settings = state.muted || state.favourite ? `\nmuted:${state.muted ? 1 : 0},favourite:${state.favourite ? 1 : 0}` : '';
  // An ended meeting's conversation (issue 10) counts once closed, so a returning client learns `closedAt`.
  const closed = state.closed ? '\nclosed' : '';
  return createHash('sha1').update(text + settings + closed).digest('hex').slice(0, TAG * 2);
}
