import { describe, expect, test } from 'vitest';
import type { Message } from '../../shared/schemas/conversations.js';
import { buildRows } from '../../client/src/conversations/rows';
import { dayKey, formatDay, formatTime } from '../../client/src/i18n/format';
import { matchesPerson, normalizeSearch, sortByKana } from '../../client/src/directory/people';
import { loadDictionary, translate } from '../../client/src/i18n/i18n';

const at = (seq: number, createdAt: string, senderId = 's1'): Message => ({
  id: String(seq).padStart(24, '0'),
  conversationId: 'c',
  seq,
  senderId,
  body: 'x',
  clientMsgId: `m${seq}`,
  createdAt,
  mentions: [],
});

describe('days and times in Tokyo', () => {
  test('the day changes at midnight Tokyo time, not UTC', () => {
    expect(dayKey('2025-01-01T14:59:59Z')).toBe('2025-01-01');
    expect(dayKey('2025-01-01T15:00:00Z')).toBe('2025-01-02');
    expect(formatTime('2025-01-01T15:00:00Z', 'ja')).toBe('00:00');
    expect(formatDay('2025-01-01T15:00:00Z', 'ja')).toBe('2025年1月2日(木)');
  });

  test('the first message of each day carries the separator, and runs of one sender group', () => {
    const rows = buildRows(
      [at(1, '2025-01-01T14:00:00Z'), at(2, '2025-01-01T14:01:00Z'), at(3, '2025-01-01T15:30:00Z'), at(4, '2025-01-01T15:31:00Z', 's2')],
      [],
      'me',
    );
    expect(rows.map((r) => `${r.newDay ? 'day|' : ''}m${r.kind === 'message' ? r.message.seq : ''}${r.grouped ? 'g' : ''}`)).toEqual([
      'day|m1',
      'm2g',
      'day|m3',
      'm4',
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});

describe('finding and ordering people', () => {
  const people = [
    { id: '1', loginId: 'yamada', staffNo: 'A-1001', name: '山田 太郎', nameKana: 'やまだ たろう' },
    { id: '2', loginId: 'ito', staffNo: 'A-1002', name: '伊藤 次郎', nameKana: 'いとう じろう' },
    { id: '3', loginId: 'kato', staffNo: 'B-2001', name: '加藤 三郎', nameKana: 'カトウ サブロウ' },
  ];

  test('katakana, hiragana, half-width and spaces do not matter', () => {
    expect(normalizeSearch('ﾔﾏﾀﾞ タロウ')).toBe('やまだたろう');
    expect(matchesPerson(people[0] as never, 'ヤマダ')).toBe(true);
    expect(matchesPerson(people[2] as never, 'かとう')).toBe(true);
    expect(matchesPerson(people[0] as never, '山田')).toBe(true);
    expect(matchesPerson(people[1] as never, 'ａ－１００２')).toBe(true);
    expect(matchesPerson(people[1] as never, 'やまだ')).toBe(false);
  });

  test('people sort by their kana reading', () => {
    expect(sortByKana(people).map((p) => p.id)).toEqual(['2', '3', '1']);
  });
});

describe('the dictionaries', () => {
  test('Japanese by default, English once requested (it loads on demand), with parameters', async () => {
    expect(translate('ja', 'conv.readGroup', { n: 3 })).toBe('既読 3');
    await loadDictionary('en');
    expect(translate('en', 'conv.readGroup', { n: 3 })).toBe('Read by 3');
  });
});
