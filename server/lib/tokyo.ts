/**
 * Day boundaries in Asia/Tokyo, where the office is. Japan has no daylight saving time: Tokyo is
 * always UTC+9, so plain arithmetic is exact.
 */
const JST_OFFSET_MS = 9 * 3600_000;

/** `YYYY-MM-DD` of the day `at` falls in, in Tokyo. */
export function tokyoDate(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** `2026-12-04 09:30` in Tokyo. */
export function tokyoDateTime(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The UTC instant of 00:00 Tokyo on a `YYYY-MM-DD` date. */
export function tokyoMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}

/** The `YYYY-MM-DD` date `days` after (or before) `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
