import { foldJapanese } from '../lib/japanese-fold.js';

/**
 * Search normalisation for Japanese names (server/lib/japanese-fold.ts) without whitespace:
 * "ﾔﾏﾀﾞ", "ヤマダ" and "やまだ" then match, and so do "山田 太郎" and "山田太郎".
 */
export function normalizeForSearch(text: string): string {
  return foldJapanese(text).replace(/\s+/g, '');
}

const collator = new Intl.Collator('ja');

/** Order people as a Japanese directory does: by reading, then by name. */
export function compareByReading(a: { nameKana: string; name: string }, b: { nameKana: string; name: string }): number {
  return collator.compare(a.nameKana, b.nameKana) || collator.compare(a.name, b.name);
}
