/** A piece of a snippet: plain, or one of the parts that matched the query. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

/**
 * Cut a search snippet at the server's highlights ([start, end) offsets, UTF-16 units) into plain
 * and matching parts, to be drawn as text and <mark> elements — never as HTML. Offsets out of range
 * are clamped, empty ones dropped, overlapping or touching ones joined; the parts always add up to
 * the snippet.
 */
export function highlightParts(snippet: string, highlights: readonly (readonly [number, number])[]): SnippetPart[] {
  const n = snippet.length;
  const ranges = highlights
    .map(([s, e]) => [Math.max(0, Math.min(n, Math.trunc(s))), Math.max(0, Math.min(n, Math.trunc(e)))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) parts.push({ text: snippet.slice(at, s), mark: false });
    parts.push({ text: snippet.slice(s, e), mark: true });
    at = e;
  }
  if (at < n || parts.length === 0) parts.push({ text: snippet.slice(at), mark: false });
  return parts;
}
