// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import type { Conversation, Message } from '../../shared/schemas/conversations.js';
import { activeMentionQuery, mentionsIn, splitMentions } from '../../client/src/conversations/mentionText';
import { notifyReason } from '../../client/src/notifications/notify';

const ME = 'a'.repeat(24);
const SATO = 'b'.repeat(24);
const YAMADA = 'c'.repeat(24);
const YAMA = 'd'.repeat(24);

const message = (fields: Partial<Message> = {}): Message => ({
  id: 'e'.repeat(24),
  conversationId: 'f'.repeat(24),
  seq: 1,
  senderId: SATO,
  body: 'x',
  clientMsgId: 'client-0001',
  createdAt: '2026-11-25T00:00:00.000Z',
  mentions: [],
  ...fields,
});
const conversation = (fields: Partial<Conversation> & Record<string, unknown> = {}): Conversation =>
  ({ id: 'f'.repeat(24), kind: 'group', title: '庶務', memberIds: [ME, SATO], lastSeq: 1, unreadCount: 1, myLastReadSeq: 0, readSeqs: {}, createdAt: '2026-11-25T00:00:00.000Z', ...fields }) as Conversation;

describe('mentions in text', () => {
  const people = [
    { id: YAMADA, label: '山田 太郎' },
    { id: YAMA, label: '山田' },
  ];

  test('at each @ the longest name wins, so 山田 太郎 is not taken for someone called 山田', () => {
    expect(mentionsIn('@山田 太郎 さんと @山田 さんへ', people)).toEqual({ mentions: [YAMADA, YAMA], mentionsAll: false });
  });

  test('@全員 and @all mention everyone; an e-mail address mentions no one', () => {
    expect(mentionsIn('@全員 お知らせ', people).mentionsAll).toBe(true);
    expect(mentionsIn('@ALL notice', people).mentionsAll).toBe(true);
    expect(mentionsIn('taro@山田 太郎', people)).toEqual({ mentions: [], mentionsAll: false });
  });

  test('the text around mentions is kept as it was', () => {
    expect(splitMentions('前@山田 太郎後', people, false).map((p) => p.text).join('')).toBe('前@山田 太郎後');
    expect(splitMentions('前 @山田 太郎後', people, false).map((p) => p.kind)).toEqual(['text', 'mention', 'text']);
  });

  test('the @-query before the caret: at the start or after a space, until a space', () => {
    expect(activeMentionQuery('@さと', 3)).toEqual({ start: 0, query: 'さと' });
    expect(activeMentionQuery('連絡 @やま', 6)).toEqual({ start: 3, query: 'やま' });
    expect(activeMentionQuery('mail@host', 9)).toBeNull();
    expect(activeMentionQuery('@さと う', 5)).toBeNull();
  });
});

describe('which messages notify (default settings: direct messages, mentions, acknowledgement requests)', () => {
  test('a mention of me, @全員, an acknowledgement request and a direct message notify; a plain group message does not', () => {
    expect(notifyReason(message({ mentions: [ME] }), conversation(), ME)).toBe('mention');
    expect(notifyReason(message({ mentionsAll: true }), conversation(), ME)).toBe('all-mention');
    expect(notifyReason({ ...message(), ackRequested: true } as Message, conversation(), ME)).toBe('ack');
    expect(notifyReason(message(), conversation({ kind: 'dm' }), ME)).toBe('dm');
    expect(notifyReason(message(), conversation(), ME)).toBeNull();
  });

  test('a muted conversation, my own message, a system notice or a taken-back message never notifies', () => {
    expect(notifyReason(message({ mentions: [ME] }), conversation({ muted: true }), ME)).toBeNull();
    expect(notifyReason(message({ senderId: ME }), conversation({ kind: 'dm' }), ME)).toBeNull();
    expect(notifyReason(message({ system: { type: 'member_left' } }), conversation({ kind: 'dm' }), ME)).toBeNull();
    expect(notifyReason(message({ deletedAt: '2026-11-25T00:00:01.000Z' }), conversation({ kind: 'dm' }), ME)).toBeNull();
  });
});
