import { highlightParts } from './highlight';

/** A search snippet with its matching parts as <mark>: React text throughout, never HTML. */
export function Snippet({ text, highlights }: { text: string; highlights: readonly (readonly [number, number])[] }) {
  return (
    <>
      {highlightParts(text, highlights).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}
