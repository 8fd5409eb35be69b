import type { User } from '../../../shared/schemas/auth.js';
import { kanaCollator } from '../i18n/format';

/**
 * Search text normalised the way people type it: full-width/half-width folded (NFKC), case folded,
 * katakana read as hiragana, spaces ignored. "ヤマダ", "やまだ" and "ﾔﾏﾀﾞ" then find the same person.
 */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\u3000・]/g, '');
}

export function matchesPerson(user: User, query: string): boolean {
  const q = normalizeSearch(query);
  if (!q) return true;
  return [user.name, user.nameKana, user.staffNo, user.loginId].some((field) => normalizeSearch(field).includes(q));
}

/** People in the order of their kana reading (五十音順). */
export function sortByKana<T extends { nameKana: string }>(people: readonly T[]): T[] {
  return [...people].sort((a, b) => kanaCollator.compare(a.nameKana, b.nameKana));
}

/**
 * The people a picker offers for `query` (name, kana reading, staff number …), in kana order, at
 * most `limit`; `leaveOut` drops some (oneself, the members already in, disabled accounts).
 */
export function findPeople(users: Record<string, User>, query: string, limit: number, leaveOut: (u: User) => boolean = () => false): User[] {
  return sortByKana(Object.values(users).filter((u) => !leaveOut(u) && matchesPerson(u, query))).slice(0, limit);
}
