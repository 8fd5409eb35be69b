/**
 * The minutes (議事録) of a meeting, built from what is stored, and their Markdown and CSV forms.
 * Pure: no database, no clock. Times are shown in Asia/Tokyo, the office's time zone (Japan keeps
 * no daylight saving time, so JST is always UTC+9; no time-zone database is needed).
 */
import type { Message } from '../../shared/schemas/conversations.js';
import type { Meeting, MeetingMark, Minutes } from '../../shared/schemas/meetings.js';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** `2026-12-04 10:00` in Asia/Tokyo. */
export function tokyoDateTime(iso: string): string {
  const t = new Date(new Date(iso).getTime() + JST_OFFSET_MS).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

/** `10:00` in Asia/Tokyo. */
export function tokyoTime(iso: string): string {
  return tokyoDateTime(iso).slice(11);
}

/** `2026-12-04 10:00–10:15`, or with the end's date too when the meeting crossed midnight. */
function dateTextOf(meeting: Meeting): string {
  const start = tokyoDateTime(meeting.startsAt);
  const end = tokyoDateTime(meeting.endedAt ?? meeting.endsAt);
  return `${start}–${end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end}`;
}

export function buildMinutes(meeting: Meeting, marks: readonly MeetingMark[], names: ReadonlyMap<string, string>, transcript: readonly Message[]): Minutes {
  const nameOf = (id: string) => names.get(id) ?? '不明なユーザー';
  const attended = meeting.participants.filter((p) => p.spans.length > 0);
  return {
    meeting,
    title: meeting.topic,
    dateText: dateTextOf(meeting),
    host: { userId: meeting.hostId, name: nameOf(meeting.hostId) },
    attendees: attended.map((p) => ({ userId: p.userId, name: nameOf(p.userId), spans: p.spans })),
    absentees: meeting.participants.filter((p) => p.spans.length === 0).map((p) => ({ userId: p.userId, name: nameOf(p.userId) })),
    agenda: meeting.agenda.map((text, i) => ({ text, done: meeting.agendaDone[i] ?? false })),
    decisions: marks.filter((m) => m.kind === 'decision'),
    todos: marks.filter((m) => m.kind === 'todo').map((m) => ({ ...m, assigneeName: nameOf(m.assigneeId!) })),
    transcript: transcript.map((m) => ({
      seq: m.seq,
      at: m.createdAt,
      senderId: m.senderId,
      senderName: nameOf(m.senderId),
      body: m.deletedAt ? '（送信取消）' : m.body,
      ...(m.system ? { system: true } : {}),
    })),
  };
}

const spanText = (s: { joinedAt: string; leftAt?: string }) => `${tokyoTime(s.joinedAt)}–${s.leftAt ? tokyoTime(s.leftAt) : ''}`;

/** A message's text as one Markdown list item: further lines indented under it. */
const mdItem = (text: string) => text.replace(/\r?\n/g, '\n  ');

export function minutesToMarkdown(m: Minutes): string {
  const lines: string[] = [];
  lines.push(`# 議事録: ${m.title}`, '');
  lines.push(`- 日時: ${m.dateText}（日本時間）`);
  lines.push(`- 主催者: ${m.host.name}`);
  lines.push(`- 出席者: ${m.attendees.map((a) => `${a.name}（${a.spans.map(spanText).join('、')}）`).join('、') || 'なし'}`);
  lines.push(`- 欠席者: ${m.absentees.map((a) => a.name).join('、') || 'なし'}`, '');
  lines.push('## 議題', '');
  if (m.agenda.length === 0) lines.push('なし');
  for (const a of m.agenda) lines.push(`- [${a.done ? 'x' : ' '}] ${a.text}`);
  lines.push('', '## 決定事項', '');
  if (m.decisions.length === 0) lines.push('なし');
  for (const d of m.decisions) lines.push(`- ${mdItem(d.body)}`);
  lines.push('', '## ToDo', '');
  if (m.todos.length === 0) lines.push('なし');
  for (const t of m.todos) {
    lines.push(`- [${t.done ? 'x' : ' '}] ${mdItem(t.body)}（担当: ${t.assigneeName}${t.dueDate ? `、期限: ${t.dueDate}` : ''}）`);
  }
  lines.push('', '## 発言記録', '');
  for (const e of m.transcript) {
    lines.push(`- ${tokyoTime(e.at)} ${e.system ? '［お知らせ］' : `${e.senderName}:`} ${mdItem(e.body)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** UTF-8 byte order mark: Excel, which the office opens CSV files with, then reads UTF-8. */
export const BOM = '\uFEFF';

/**
 * One CSV field (RFC 4180): quoted, inner quotes doubled. A field that a spreadsheet would take
 * as a formula (= + - @, tab, CR) gets a leading apostrophe, so a message cannot run as one.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The minutes as one table: 区分, 日時, 氏名, 内容, 状態 (one row per fact, in the Markdown's order). */
export function minutesToCsv(m: Minutes): string {
  const rows: string[][] = [['区分', '日時', '氏名', '内容', '状態']];
  rows.push(['件名', m.dateText, '', m.title, m.meeting.state === 'ended' ? '終了' : m.meeting.state === 'running' ? '進行中' : '予定']);
  rows.push(['主催者', '', m.host.name, '', '']);
  for (const a of m.attendees) rows.push(['出席者', a.spans.map(spanText).join(' '), a.name, '', '']);
  for (const a of m.absentees) rows.push(['欠席者', '', a.name, '', '']);
  for (const a of m.agenda) rows.push(['議題', '', '', a.text, a.done ? '済' : '未']);
  for (const d of m.decisions) rows.push(['決定事項', tokyoDateTime(d.createdAt), '', d.body, '']);
  for (const t of m.todos) rows.push(['ToDo', t.dueDate ?? '', t.assigneeName, t.body, t.done ? '完了' : '未完了']);
  for (const e of m.transcript) rows.push([e.system ? 'お知らせ' : '発言', tokyoDateTime(e.at), e.system ? '' : e.senderName, e.body, '']);
  return BOM + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
