import { foldJapanese } from '../lib/japanese-fold.js';

/** Characters of context kept before the first match, and the longest snippet. */
const BEFORE = 30;
const LENGTH = 120;

/** A run of original text and its folded form, unit by unit mapped back to the original. */
interface Folded {
  text: string;
  /** For each UTF-16 unit of `text`: where its source starts and ends in the original. */
  start: number[];
  end: number[];
}

/**
 * Folds `original` the way normalize.ts does, remembering where each folded unit came from, so a
 * match found in folded text can be highlighted in the original. Folded a character at a time,
 * with the marks that compose with it (combining marks, half-width ﾞ ﾟ), so 「ｶﾞ」 folds to 「が」
 * as a whole string would.
 */
function foldWithMap(original: string): Folded {
  const out: Folded = { text: '', start: [], end: [] };
  const group = /\P{M}[\p{M}\uff9e\uff9f]*|[\p{M}\uff9e\uff9f]+/gsu;
  let lastWasSpace = false;
  for (const m of original.matchAll(group)) {
    const from = m.index;
    const to = from + m[0].length;
    for (const unit of foldJapanese(m[0])) {
      // Whitespace runs become one space, as in normalizeText.
      const space = /\s/u.test(unit);
      if (space && lastWasSpace) {
        out.end[out.end.length - 1] = to;
        continue;
      }
      lastWasSpace = space;
      for (let i = 0; i < unit.length; i++) {
        out.text += space ? ' ' : unit[i];
        out.start.push(from);
        out.end.push(to);
      }
    }
  }
  return out;
}

export interface Snippet {
  snippet: string;
  /** [start, end) of each match within `snippet`, in UTF-16 units. */
  highlights: [number, number][];
}

/**
 * A snippet of `original` around the first place the normalised `query` matches, with every match
 * inside it highlighted; null when the query does not occur (then the caller tries elsewhere).
 */
export function snippetOf(original: string, normalizedQuery: string): Snippet | null {
  const folded = foldWithMap(original);
  const matches: [number, number][] = [];
  for (let at = folded.text.indexOf(normalizedQuery); at !== -1 && normalizedQuery; at = folded.text.indexOf(normalizedQuery, at + normalizedQuery.length)) {
    matches.push([folded.start[at]!, folded.end[at + normalizedQuery.length - 1]!]);
  }
  if (matches.length === 0) return null;
  let from = Math.max(0, matches[0]![0] - BEFORE);
  let to = Math.min(original.length, Math.max(from + LENGTH, matches[0]![1]));
  // Never cut a surrogate pair in half.
  if (from > 0 && isLowSurrogate(original.charCodeAt(from))) from--;
  if (to < original.length && isLowSurrogate(original.charCodeAt(to))) to++;
  const lead = from > 0 ? '…' : '';
  const snippet = lead + original.slice(from, to).replace(/\s/g, ' ') + (to < original.length ? '…' : '');
  const highlights = matches
    .filter(([s, e]) => s >= from && e <= to)
    .map(([s, e]): [number, number] => [s - from + lead.length, e - from + lead.length]);
  return { snippet, highlights };
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
