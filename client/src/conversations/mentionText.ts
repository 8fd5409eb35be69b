/**
 * Mentions in a message's text. The picker inserts `@<name> ` (the readable form every client
 * shows); the ids travel beside the body (`message:send {mentions, mentionsAll}`). These helpers
 * find `@<name>` of given people in a text — for the composer (which ids to send) and for the
 * message view (what to highlight) — taking at each `@` the longest name that fits, so that
 * 「@山田 太郎」 is 山田 太郎 and not someone called 山田.
 */

/** The words that mean everyone in the conversation. */
export const MENTION_ALL_WORDS = ['全員', 'all'] as const;

/** Anyone in a conversation of at most this many people may use @全員 (the server's default). */
export const MENTION_ALL_MAX_MEMBERS = 50;

export interface MentionCandidate {
  id: string;
  /** What follows the `@`: the person's name (or a login id, for messages from older clients). */
  label: string;
}

export type MentionPart =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; text: string; id: string }
  | { kind: 'all'; text: string };

/**
 * Splits `text` into plain runs and mentions of `people` (and `@全員`/`@all` when `all`).
 * A mention must start the text or follow whitespace or punctuation, so an e-mail address is never one.
 */
export function splitMentions(text: string, people: readonly MentionCandidate[], all: boolean): MentionPart[] {
  const byLength = [...people].filter((p) => p.label).sort((a, b) => b.label.length - a.label.length);
  const parts: MentionPart[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if ((ch === '@' || ch === '＠') && (i === 0 || /[\s\p{P}]/u.test(text[i - 1]!))) {
      const rest = text.slice(i + 1);
      const person = byLength.find((p) => rest.startsWith(p.label));
      const word = all ? MENTION_ALL_WORDS.find((w) => rest.toLowerCase().startsWith(w)) : undefined;
      if (person || word) {
        if (plain) parts.push({ kind: 'text', text: plain });
        plain = '';
        if (person && (!word || person.label.length >= word.length)) {
          parts.push({ kind: 'mention', text: ch + person.label, id: person.id });
          i += 1 + person.label.length;
        } else {
          parts.push({ kind: 'all', text: text.slice(i, i + 1 + word!.length) });
          i += 1 + word!.length;
        }
        continue;
      }
    }
    plain += ch;
    i += 1;
  }
  if (plain) parts.push({ kind: 'text', text: plain });
  return parts;
}

/** The ids of the people mentioned in `text`, once each, and whether everyone is. */
export function mentionsIn(text: string, people: readonly MentionCandidate[]): { mentions: string[]; mentionsAll: boolean } {
  const parts = splitMentions(text, people, true);
  const ids = new Set<string>();
  let mentionsAll = false;
  for (const part of parts) {
    if (part.kind === 'mention') ids.add(part.id);
    if (part.kind === 'all') mentionsAll = true;
  }
  return { mentions: [...ids], mentionsAll };
}

/**
 * The @-query being typed just before the caret: `@` at the start or after a space, then no space.
 * Null when the caret is not in one.
 */
export function activeMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s　])[@＠]([^\s　@＠]{0,30})$/u.exec(before);
  if (!match) return null;
  const query = match[2]!;
  return { start: caret - query.length - 1, query };
}
