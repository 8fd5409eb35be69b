/**
 * Reactions: a fixed set of office stamps plus any single emoji. Zod-free so that the web client
 * can use the same list and check (shared/constants.ts does the same for other values).
 */

/** The office stamps, by id; the client shows each in the reader's language. */
export const STAMPS = ['stamp:ryokai', 'stamp:arigato', 'stamp:kakunin', 'stamp:otsukare', 'stamp:yoroshiku', 'stamp:shochi'] as const;
export type StampId = (typeof STAMPS)[number];

/** Emoji offered next to the stamps; any other single emoji is accepted too. */
export const QUICK_EMOJI = ['👍', '🙇', '🙏', '😊', '🎉', '👀'] as const;

/** Longest reaction accepted, in UTF-16 units (a family emoji with skin tones is about 25). */
export const MAX_REACTION_LENGTH = 32;
/** Most (reaction, person) pairs one message holds: bounds the stored array and every event. */
export const MAX_REACTIONS_PER_MESSAGE = 500;

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
/** Letters, digits, punctuation or spaces: what would make a reaction arbitrary text. */
const TEXTUAL = /[\p{L}\p{N}\p{P}\s]/u;
const KEYCAP = /^[0-9#*]\ufe0f?\u20e3$/u;

function graphemes(text: string): number {
  // Intl.Segmenter exists in every browser and Node the product supports.
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;
}

/** A stamp id, or exactly one emoji (one grapheme that is pictographic); never free text. */
export function isValidReaction(reaction: string): boolean {
  if ((STAMPS as readonly string[]).includes(reaction)) return true;
  if (reaction.length === 0 || reaction.length > MAX_REACTION_LENGTH) return false;
  if (!PICTOGRAPHIC.test(reaction)) return false;
  if (KEYCAP.test(reaction)) return true;
  if (TEXTUAL.test(reaction)) return false;
  return graphemes(reaction) === 1;
}

/** How many characters of the original a reply quotes. */
export const REPLY_SNIPPET_CHARS = 100;
