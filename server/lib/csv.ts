/**
 * CSV as the office's Excel opens it: UTF-8 with a byte-order mark (without it Excel reads Japanese
 * as Shift_JIS and shows mojibake), CRLF line ends, RFC 4180 quoting.
 */
export const UTF8_BOM = '\uFEFF';

function cell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  // A leading = + - @ would be read as a formula by a spreadsheet: quote it with a ' first.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return UTF8_BOM + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** `2026-12-04 09:30` in Asia/Tokyo (Japan has no daylight saving time: always UTC+9). */
export function tokyoDateTime(at: Date): string {
  const jst = new Date(at.getTime() + 9 * 3600_000);
  return jst.toISOString().slice(0, 16).replace('T', ' ');
}

/** The UTC instant of 00:00 Asia/Tokyo on a `YYYY-MM-DD` date. */
export function tokyoMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}
