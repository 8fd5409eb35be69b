import { foldJapanese } from '../lib/japanese-fold.js';

/**
 * How message text becomes searchable (README.md beside this file, "Matching"): folded
 * (server/lib/japanese-fold.ts: NFKC, width, katakana → hiragana, case) with each run of
 * whitespace made one space. Stored as `searchText`; a query is normalised the same way and must
 * appear in it as a phrase.
 */
export function normalizeText(text: string): string {
  return foldJapanese(text).replace(/\s+/gu, ' ').trim();
}

/** The words of normalised text: its runs between spaces, each as code points. */
function runsOf(normalized: string): string[][] {
  return normalized
    .split(' ')
    .filter(Boolean)
    .map((run) => Array.from(run));
}

/**
 * The n-grams stored in `searchGrams` (the index's keys): every bigram within a run (no bigram
 * spans a space) and the last character of each run. Any phrase of two or more characters is made
 * of stored bigrams; a one-character query finds its character as the start of a stored gram (a
 * bigram it begins, or the unigram when it ends a run), so every character is reachable while a
 * message stores about one gram per character, not two.
 */
export function gramsOf(normalized: string): string[] {
  const grams = new Set<string>();
  for (const run of runsOf(normalized)) {
    for (let i = 0; i + 1 < run.length; i++) grams.add(run[i]! + run[i + 1]!);
    grams.add(run[run.length - 1]!);
  }
  return [...grams];
}

/** At most this many grams bound a query; the phrase check confirms the rest. */
export const MAX_QUERY_GRAMS = 8;

/** How a normalised query uses the n-gram index. */
export type GramPlan =
  /** Every message holding all of these grams (rarest first) is a candidate. */
  | { kind: 'all'; grams: string[] }
  /** One character: candidates hold a gram starting with it. */
  | { kind: 'prefix'; char: string };

/**
 * The grams a query needs. Bigrams of its runs, ordered so that the likeliest rare ones come first
 * (a planner that bounds the walk by one of them — mongod's cached plan, for one — then walks a
 * short list): kanji first, then Latin letters and digits, then kana. A query of one-character
 * runs only (「会」, 「a b」) is bounded by its first character.
 */
export function gramPlanOf(normalizedQuery: string): GramPlan {
  const runs = runsOf(normalizedQuery);
  const bigrams = new Set<string>();
  for (const run of runs) for (let i = 0; i + 1 < run.length; i++) bigrams.add(run[i]! + run[i + 1]!);
  if (bigrams.size === 0) return { kind: 'prefix', char: runs[0]?.[0] ?? '' };
  const ordered = [...bigrams].map((gram, at) => ({ gram, at, rank: rarityRank(gram) })).sort((a, b) => a.rank - b.rank || a.at - b.at);
  return { kind: 'all', grams: ordered.slice(0, MAX_QUERY_GRAMS).map((g) => g.gram) };
}

const HAN = /\p{Script=Han}/u;
const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Nd}]/u;

/** 0 for a gram with a kanji, 1 with a Latin letter or digit, 2 otherwise (kana, symbols). */
function rarityRank(gram: string): number {
  if (HAN.test(gram)) return 0;
  if (LATIN_OR_DIGIT.test(gram)) return 1;
  return 2;
}

/** The smallest string after every string that starts with `char` (the prefix range's end). */
export function afterPrefix(char: string): string {
  return String.fromCodePoint(char.codePointAt(0)! + 1);
}

/** A regular expression source matching `text` literally. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
