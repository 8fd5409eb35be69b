import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/schemas/conversations.js';
import { minutesSchema, type Meeting, type MeetingMark } from '../../shared/schemas/meetings.js';
import { buildMinutes, minutesToCsv, minutesToMarkdown, tokyoDateTime } from '../../server/meetings/minutes.js';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const C = 'c'.repeat(24);
const names = new Map([
  [A, '山田 太郎'],
  [B, '佐藤 花子'],
  [C, '鈴木 一郎'],
]);

// 23:50–00:05 in Tokyo: the meeting crosses midnight there (14:50–15:05 UTC).
const meeting: Meeting = {
  id: 'd'.repeat(24),
  conversationId: 'e'.repeat(24),
  topic: '夜間対応',
  agenda: ['手順', '連絡先'],
  agendaDone: [true, false],
  hostId: A,
  memberIds: [A, B, C],
  startsAt: '2026-12-04T14:50:00.000Z',
  endsAt: '2026-12-04T15:05:00.000Z',
  endedAt: '2026-12-04T15:05:00.000Z',
  state: 'ended',
  durationMin: 15,
  participants: [
    { userId: A, spans: [{ joinedAt: '2026-12-04T14:50:00.000Z', leftAt: '2026-12-04T15:05:00.000Z' }], joined: false },
    { userId: B, spans: [{ joinedAt: '2026-12-04T14:51:00.000Z', leftAt: '2026-12-04T14:55:00.000Z' }, { joinedAt: '2026-12-04T14:58:00.000Z', leftAt: '2026-12-04T15:05:00.000Z' }], joined: false },
    { userId: C, spans: [], joined: false },
  ],
  createdAt: '2026-12-04T14:50:00.000Z',
};

const message = (seq: number, senderId: string, body: string, extra: Partial<Message> = {}): Message => ({
  id: String(seq).padStart(24, '0'),
  conversationId: meeting.conversationId,
  seq,
  senderId,
  body,
  clientMsgId: `c-${seq}-xxxx`,
  createdAt: '2026-12-04T14:52:00.000Z',
  mentions: [],
  ...extra,
});

const transcript = [
  message(1, A, '打ち合わせが始まりました', { system: { type: 'meeting_started' } }),
  message(2, B, '=HYPERLINK("http://example")'),
  message(3, A, '連絡は "当番" が行う\n二行目'),
  message(4, B, '', { deletedAt: '2026-12-04T14:53:00.000Z' }),
];
const marks: MeetingMark[] = [
  { id: 'f'.repeat(24), meetingId: meeting.id, messageId: transcript[2]!.id, seq: 3, body: '連絡は "当番" が行う\n二行目', kind: 'decision', createdBy: A, createdAt: '2026-12-04T14:54:00.000Z' },
  { id: '1'.repeat(24), meetingId: meeting.id, messageId: transcript[1]!.id, seq: 2, body: '手順書を直す', kind: 'todo', assigneeId: B, dueDate: '2026-12-11', done: false, createdBy: A, createdAt: '2026-12-04T14:56:00.000Z' },
];

describe('the minutes of a meeting', () => {
  const minutes = buildMinutes(meeting, marks, names, transcript);

  it('are well-formed, with attendees, the absentee, agenda, decisions and ToDos named', () => {
    expect(minutesSchema.parse(minutes)).toEqual(minutes);
    expect(minutes.attendees.map((a) => a.name)).toEqual(['山田 太郎', '佐藤 花子']);
    expect(minutes.absentees).toEqual([{ userId: C, name: '鈴木 一郎' }]);
    expect(minutes.todos[0]).toMatchObject({ assigneeName: '佐藤 花子', dueDate: '2026-12-11' });
    expect(minutes.transcript.map((l) => l.body)).toEqual(['打ち合わせが始まりました', '=HYPERLINK("http://example")', '連絡は "当番" が行う\n二行目', '（送信取消）']);
  });

  it('give times in Asia/Tokyo, naming the end date when the meeting crosses midnight there', () => {
    expect(tokyoDateTime('2026-12-04T14:50:00.000Z')).toBe('2026-12-04 23:50');
    expect(minutes.dateText).toBe('2026-12-04 23:50–2026-12-05 00:05');
  });

  it('in Markdown: checkboxes for the agenda, each span of each attendee, multi-line text kept inside its item', () => {
    const md = minutesToMarkdown(minutes);
    expect(md).toContain('- [x] 手順\n- [ ] 連絡先');
    expect(md).toContain('佐藤 花子（23:51–23:55、23:58–00:05）');
    expect(md).toContain('- 連絡は "当番" が行う\n  二行目');
    expect(md).toContain('- 23:52 ［お知らせ］ 打ち合わせが始まりました');
  });

  it('in CSV: a byte order mark, CRLF rows, quotes doubled, and no cell a spreadsheet would run as a formula', () => {
    const csv = minutesToCsv(minutes);
    expect(csv.startsWith('\uFEFF"区分","日時","氏名","内容","状態"\r\n')).toBe(true);
    expect(csv).toContain('"発言","2026-12-04 23:52","佐藤 花子","\'=HYPERLINK(""http://example"")",""');
    expect(csv).toContain('"決定事項","2026-12-04 23:54","","連絡は ""当番"" が行う\n二行目",""');
    expect(csv).toContain('"欠席者","","鈴木 一郎","",""');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
