import { describe, expect, test } from 'vitest';
import type { Message } from '../../shared/schemas/conversations.js';
import { buildRows } from '../../client/src/conversations/rows';
import { spokenSender, spokenState } from '../../client/src/conversations/spoken';
import { translate } from '../../client/src/i18n/i18n';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('ja', key, params);
const names: Record<string, string> = { yamada: '山田 太郎' };
const nameOf = (id: string) => names[id];

const message = (seq: number, senderId: string, extra: Partial<Message> = {}): Message => ({
  id: String(seq).padStart(24, '0'),
  conversationId: 'c',
  seq,
  senderId,
  body: `本文 ${seq}`,
  clientMsgId: `m${seq}`,
  createdAt: `2025-04-01T01:0${seq}:00Z`,
  mentions: [],
  ...extra,
});

describe('what a screen reader hears besides the row', () => {
  const rows = buildRows([message(1, 'yamada'), message(2, 'yamada'), message(3, 'me'), message(4, 'me', { deletedAt: '2025-04-01T02:00:00Z' })], [], 'me');
  const [first, followUp, mine, takenBack] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];

  test('every message says who wrote it, even where the row shows no name', () => {
    // The first of Yamada's messages shows his name itself.
    expect(spokenSender(first, 'me', nameOf, t)).toBeNull();
    expect(spokenSender(followUp, 'me', nameOf, t)).toBe('山田 太郎:');
    expect(spokenSender(mine, 'me', nameOf, t)).toBe('自分:');
    const pending = buildRows([], [{ clientMsgId: 'x', conversationId: 'c', body: '送信待ち', status: 'pending', createdAt: '2025-04-01T03:00:00Z', attempt: 1 }], 'me')[0]!;
    expect(spokenSender(pending, 'me', nameOf, t)).toBe('自分:');
  });

  test('未読 for my message nobody has read and for messages past my read mark; nothing more once read', () => {
    expect(spokenState(mine, 'me', 0, null, t)).toBe('未読');
    expect(spokenState(mine, 'me', 0, '既読', t)).toBeNull();
    expect(spokenState(followUp, 'me', 1, null, t)).toBe('未読');
    expect(spokenState(followUp, 'me', 2, null, t)).toBeNull();
    // A taken-back message says so in its own text.
    expect(spokenState(takenBack, 'me', 0, null, t)).toBeNull();
  });
});
