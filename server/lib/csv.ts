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

// Tokyo dates for CSV cells live with the other day-boundary helpers.
export { tokyoDateTime, tokyoMidnight } from './tokyo.js';
