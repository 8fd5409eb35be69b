import { describe, expect, test } from 'vitest';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { initialState, type AppState } from '../../client/src/app/state';
import { conversationsLoaded, messageUpdated, pageLoaded, syncApplied } from '../../client/src/conversations/apply';

// How a changed message (message:updated, or a sync answer's `changes`) lands in the client's state.

const ME = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);
const CONV = 'c'.repeat(24);

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `d${seq.toString(16).padStart(23, '0')}`,
  conversationId: CONV,
  seq,
  senderId: OTHER,
  body: `本文 ${seq}`,
  clientMsgId: `client-${seq}`,
  createdAt: new Date(Date.UTC(2025, 3, 1, 0, seq)).toISOString(),
  mentions: [],
  ...extra,
});

const conversation = (extra: Partial<Conversation> = {}): Conversation => ({
  id: CONV,
  kind: 'group',
  title: '係',
  memberIds: [ME, OTHER],
  lastSeq: 3,
  unreadCount: 0,
  myLastReadSeq: 3,
  readSeqs: {},
  createdAt: '2025-04-01T00:00:00.000Z',
  lastMessage: msg(3),
  ...extra,
});

function loaded(): AppState {
  let s: AppState = { ...initialState(), me: { id: ME, loginId: 'me', staffNo: '1', name: '自分', nameKana: 'じぶん', departmentId: '0'.repeat(24), role: 'staff' } };
  s = conversationsLoaded(s, [conversation()]);
  return pageLoaded(s, CONV, [msg(1), msg(2, { replyTo: { id: msg(1).id, seq: 1, senderId: OTHER, body: '本文 1' } }), msg(3)], false, 'latest');
}

describe('a changed message', () => {
  test('replaces the held copy; an older change arriving later does not undo a newer one', () => {
    const edited = msg(1, { body: '訂正', editedAt: '2025-04-01T02:00:00.000Z', changeSeq: 5 });
    let s = messageUpdated(loaded(), edited);
    expect(s.threads[CONV]!.messages[0]).toEqual(edited);
    s = messageUpdated(s, msg(1, { body: '古い変更', changeSeq: 4 }));
    expect(s.threads[CONV]!.messages[0]!.body).toBe('訂正');
    // A history page fetched before the edit does not undo it either.
    s = pageLoaded(s, CONV, [msg(1), msg(2), msg(3)], false, 'older');
    expect(s.threads[CONV]!.messages[0]!.body).toBe('訂正');
  });

  test('a take-back reaches the quotes of replies held, and the conversation list when it was the last message', () => {
    let s = messageUpdated(loaded(), msg(1, { body: '', deletedAt: '2025-04-01T03:00:00.000Z', changeSeq: 2 }));
    expect(s.threads[CONV]!.messages[1]!.replyTo).toEqual({ id: msg(1).id, seq: 1, senderId: OTHER, body: '', deletedAt: '2025-04-01T03:00:00.000Z' });
    s = messageUpdated(s, msg(3, { body: '', deletedAt: '2025-04-01T03:00:00.000Z', changeSeq: 3 }));
    expect(s.conversations[CONV]!.lastMessage!.body).toBe('');
    expect(JSON.stringify(s)).not.toContain('本文 3');
  });

  test('a sync answer applies its changes like events, and applying it twice changes nothing more', () => {
    const answer = {
      full: false,
      conversations: [],
      removed: [],
      messages: {},
      changes: { [CONV]: [msg(2, { reactions: [{ reaction: 'stamp:ryokai', userIds: [ME] }], changeSeq: 7 })] },
    };
    const once = syncApplied(loaded(), answer);
    expect(once.threads[CONV]!.messages[1]!.reactions).toEqual([{ reaction: 'stamp:ryokai', userIds: [ME] }]);
    expect(syncApplied(once, answer)).toEqual(once);
  });
});
