import type { Lang } from './i18n';

/** Every time is shown in Tokyo time, whatever the terminal's own zone. */
export const TIME_ZONE = 'Asia/Tokyo';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: TIME_ZONE, ...options });
    cache.set(key, f);
  }
  return f;
}

/** "14:05" */
export function formatTime(iso: string, lang: Lang): string {
  return formatter(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "2025年11月25日(火)" / "Tue 25 November 2025" */
export function formatDay(iso: string, lang: Lang): string {
  return formatter(lang, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(new Date(iso));
}

/** "11/25 14:05" / "25/11 14:05" */
export function formatDateTime(iso: string, lang: Lang): string {
  return formatter(lang, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
}

/**
 * "2025-11-25", the calendar day in Tokyo: the key of day separators. Japan keeps UTC+9 all year
 * (no daylight saving since 1951), so plain arithmetic is exact, and fast enough to run over tens of
 * thousands of messages.
 */
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000;
export function dayKey(iso: string | Date): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return new Date(ms + TOKYO_OFFSET_MS).toISOString().slice(0, 10);
}

/** Sidebar time: the time today, otherwise the date. */
export function formatWhen(iso: string, lang: Lang, now: Date = new Date()): string {
  if (dayKey(iso) === dayKey(now)) return formatTime(iso, lang);
  return formatter(lang, { month: 'numeric', day: 'numeric' }).format(new Date(iso));
}

/** Japanese names sort by their kana reading. */
export const kanaCollator = new Intl.Collator('ja');
