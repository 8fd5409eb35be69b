/**
 * Search normalisation for Japanese names: NFKC folds half-width kana and full-width Latin,
 * katakana is folded to hiragana, Latin to lower case. "ﾔﾏﾀﾞ", "ヤマダ" and "やまだ" then match.
 */
export function normalizeForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .toLowerCase()
    .replace(/\s+/g, '');
}

const collator = new Intl.Collator('ja');

/** Order people as a Japanese directory does: by reading, then by name. */
export function compareByReading(a: { nameKana: string; name: string }, b: { nameKana: string; name: string }): number {
  return collator.compare(a.nameKana, b.nameKana) || collator.compare(a.name, b.name);
}
