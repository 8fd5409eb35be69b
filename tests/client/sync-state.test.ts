import { describe, expect, test } from 'vitest';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { initialState, type AppState } from '../../client/src/app/state';
import { conversationsLoaded, hasGapBefore, markedRead, messageArrived, pageLoaded, readMarked } from '../../client/src/conversations/apply';
import { mergeMessages } from '../../client/src/conversations/thread';

const ME = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);
const CONV = 'c'.repeat(24);

const msg = (seq: number, senderId = OTHER, extra: Partial<Message> = {}): Message => ({
  id: seq.toString(16).padStart(24, '0'),
  conversationId: CONV,
  seq,
  senderId,
  body: `本文 ${seq}`,
  clientMsgId: `client-${senderId.slice(0, 1)}-${seq}`,
  createdAt: new Date(Date.UTC(2025, 3, 1, 0, seq)).toISOString(),
  mentions: [],
  ...extra,
});

const conversation = (extra: Partial<Conversation> = {}): Conversation => ({
  id: CONV,
  kind: 'dm',
  title: '',
  memberIds: [ME, OTHER],
  lastSeq: 0,
  unreadCount: 0,
  myLastReadSeq: 0,
  readSeqs: {},
  createdAt: '2025-04-01T00:00:00.000Z',
  ...extra,
});

function stateWith(messages: Message[], conv: Partial<Conversation> = {}): AppState {
  let s: AppState = { ...initialState(), me: { id: ME, loginId: 'me', staffNo: '1', name: '自分', nameKana: 'じぶん', departmentId: 'd'.repeat(24), role: 'staff' } };
  s = conversationsLoaded(s, [conversation({ lastSeq: messages.at(-1)?.seq ?? 0, ...conv })]);
  return pageLoaded(s, CONV, messages, false, 'latest');
}

describe('merging history', () => {
  test('keeps one message per seq, in order, whatever order they come in', () => {
    const merged = mergeMessages([msg(1), msg(2), msg(4)], [msg(3), msg(2), msg(5), msg(4)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  test('a later copy (an edit) replaces the earlier one', () => {
    const merged = mergeMessages([msg(1), msg(2)], [msg(2, OTHER, { body: '直した', editedAt: '2025-04-01T01:00:00.000Z' })]);
    expect(merged[1]!.body).toBe('直した');
  });
});

describe('applying events', () => {
  test('the same message:new twice shows once and counts once as unread', () => {
    let s = stateWith([msg(1)], { myLastReadSeq: 1 });
    s = messageArrived(s, msg(2));
    s = messageArrived(s, msg(2));
    expect(s.threads[CONV]!.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.conversations[CONV]!.unreadCount).toBe(1);
    expect(s.conversations[CONV]!.lastMessage!.seq).toBe(2);
  });

  test('a message and the fetch after a reconnect that also returns it: still once', () => {
    let s = stateWith([msg(1), msg(2)]);
    s = messageArrived(s, msg(3));
    s = pageLoaded(s, CONV, [msg(3), msg(4)], false, 'newer');
    s = messageArrived(s, msg(4));
    expect(s.threads[CONV]!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  test('a message after a hole is not appended; the hole is reported so it can be fetched', () => {
    const s = stateWith([msg(1), msg(2)]);
    expect(hasGapBefore(s, msg(5))).toBe(true);
    expect(hasGapBefore(s, msg(3))).toBe(false);
    const after = messageArrived(s, msg(5));
    expect(after.threads[CONV]!.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(after.conversations[CONV]!.lastSeq).toBe(5);
  });

  test('my own message replaces its pending copy and is not unread', () => {
    let s = stateWith([msg(1)], { myLastReadSeq: 1 });
    s = { ...s, outbox: { 'client-a-2': { clientMsgId: 'client-a-2', conversationId: CONV, body: '本文 2', status: 'pending', createdAt: '', attempt: 1 } } };
    s = messageArrived(s, msg(2, ME));
    expect(s.outbox).toEqual({});
    expect(s.conversations[CONV]!.unreadCount).toBe(0);
  });

  test('read marks only move forward, and mine clears the unread count', () => {
    let s = stateWith([msg(1), msg(2), msg(3)], { unreadCount: 3 });
    s = readMarked(s, { conversationId: CONV, userId: OTHER, seq: 3 });
    s = readMarked(s, { conversationId: CONV, userId: OTHER, seq: 2 });
    expect(s.reads[CONV]![OTHER]).toBe(3);
    s = readMarked(s, { conversationId: CONV, userId: ME, seq: 2 });
    expect(s.conversations[CONV]!.unreadCount).toBe(1);
    s = readMarked(s, { conversationId: CONV, userId: ME, seq: 3 });
    expect(s.conversations[CONV]!.unreadCount).toBe(0);
  });

  test('read marks sent with the conversation (readSeqs) are taken', () => {
    let s = { ...initialState() };
    s = conversationsLoaded(s, [conversation({ readSeqs: { [OTHER]: 7 } })]);
    expect(s.reads[CONV]![OTHER]).toBe(7);
  });

  test('markedRead counts what is still unread from the loaded history', () => {
    const s = stateWith([msg(1), msg(2, ME), msg(3), msg(4)], { unreadCount: 3 });
    expect(markedRead(s, s.conversations[CONV]!, 1).unreadCount).toBe(2);
    expect(markedRead(s, s.conversations[CONV]!, 4).unreadCount).toBe(0);
  });

  test('reading up to the last message shown does not count a newer one, known but not yet fetched, as read', () => {
    // seq 4 arrived as message:new while the latest page (1–3) was loading: only lastSeq knows of it.
    let s = stateWith([msg(1), msg(2), msg(3)], { lastSeq: 4, unreadCount: 4 });
    s = { ...s, conversations: { [CONV]: markedRead(s, s.conversations[CONV]!, 3) } };
    expect(s.conversations[CONV]!.unreadCount).toBe(1);
    s = pageLoaded(s, CONV, [msg(4)], false, 'newer');
    expect(markedRead(s, s.conversations[CONV]!, 4).unreadCount).toBe(0);
  });

  test('older pages go in front and keep hasMore from the server', () => {
    let s = stateWith([msg(51), msg(52)]);
    s = { ...s, threads: { [CONV]: { ...s.threads[CONV]!, hasMoreBefore: true } } };
    s = pageLoaded(s, CONV, [msg(49), msg(50)], false, 'older');
    expect(s.threads[CONV]!.messages.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    expect(s.threads[CONV]!.hasMoreBefore).toBe(false);
  });
});

describe('the conversation list fetched again after a reconnect', () => {
  test('does not roll back a conversation that a message:new moved on while the list was on its way', () => {
    let s = stateWith([msg(1)], { lastSeq: 1, unreadCount: 1, lastMessage: msg(1) });
    const fetched = s.conversations[CONV]!; // the server's answer, computed before seq 2 was stored
    s = messageArrived(s, msg(2));
    s = conversationsLoaded(s, [fetched]);
    const c = s.conversations[CONV]!;
    expect(c.lastSeq).toBe(2);
    expect(c.lastMessage!.seq).toBe(2);
    expect(c.unreadCount).toBe(2);
  });

  test('takes the fetched copy when it is the newer one', () => {
    let s = stateWith([msg(1)], { lastSeq: 1, unreadCount: 1, lastMessage: msg(1) });
    s = conversationsLoaded(s, [conversation({ lastSeq: 3, unreadCount: 3, lastMessage: msg(3) })]);
    const c = s.conversations[CONV]!;
    expect(c.lastSeq).toBe(3);
    expect(c.lastMessage!.seq).toBe(3);
    expect(c.unreadCount).toBe(3);
  });

  test('keeps a read mark of mine that the fetched copy has not seen yet', () => {
    let s = stateWith([msg(1), msg(2)], { lastSeq: 2, unreadCount: 2 });
    const fetched = s.conversations[CONV]!;
    s = readMarked(s, { conversationId: CONV, userId: ME, seq: 2 });
    s = conversationsLoaded(s, [fetched]);
    expect(s.conversations[CONV]!.myLastReadSeq).toBe(2);
    expect(s.conversations[CONV]!.unreadCount).toBe(0);
  });

  test('takes a read mark made elsewhere (another tab) from the fetched copy, even when the held copy is newer', () => {
    let s = stateWith([msg(1), msg(2)], { lastSeq: 2, unreadCount: 2, lastMessage: msg(2) });
    s = messageArrived(s, msg(3));
    s = conversationsLoaded(s, [conversation({ lastSeq: 2, unreadCount: 0, myLastReadSeq: 2, lastMessage: msg(2) })]);
    const c = s.conversations[CONV]!;
    expect(c.lastSeq).toBe(3);
    expect(c.myLastReadSeq).toBe(2);
    expect(c.unreadCount).toBe(1);
  });
});
