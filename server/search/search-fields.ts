import { gramsOf, normalizeText } from './normalize.js';

/**
 * The fields a searchable message stores (written by server/messaging, the only writer of
 * `messages`, on send and edit; removed on take-back):
 * - `searchText`: the normalised body, then each file's normalised name on a line of its own —
 *   the phrase check runs on it;
 * - `searchGrams`: the n-grams of both (normalize.ts), the keys of the search index;
 * - `searchFileText` / `searchFileGrams`: the file names' part alone, only on messages with files,
 *   so an edit (which replaces the body, never the files) can rebuild the two above in its one write.
 */
export interface SearchFields {
  searchText: string;
  searchGrams: string[];
  searchFileText?: string;
  searchFileGrams?: string[];
}

/** Every field name above: what reads of messages for display leave out, and take-back removes. */
export const SEARCH_FIELD_NAMES = ['searchText', 'searchGrams', 'searchFileText', 'searchFileGrams'] as const;

/** The search fields of a message with this body and these file names. */
export function searchFieldsOf(body: string, fileNames: readonly string[] = []): SearchFields {
  const text = normalizeText(body);
  const fields: SearchFields = { searchText: text, searchGrams: gramsOf(text) };
  if (fileNames.length === 0) return fields;
  const names = fileNames.map(normalizeText);
  const fileGrams = gramsOf(names.join(' '));
  fields.searchFileText = names.map((n) => `\n${n}`).join('');
  fields.searchFileGrams = fileGrams;
  fields.searchText = text + fields.searchFileText;
  fields.searchGrams = [...new Set([...fields.searchGrams, ...fileGrams])];
  return fields;
}

/**
 * The `$set` of an edit's update pipeline: the new body's fields joined with the file names' part
 * the message already stores (`$literal`: typed text may start with `$`).
 */
export function editedSearchFields(body: string): Record<string, unknown> {
  const text = normalizeText(body);
  return {
    searchText: { $concat: [{ $literal: text }, { $ifNull: ['$searchFileText', ''] }] },
    searchGrams: { $setUnion: [{ $literal: gramsOf(text) }, { $ifNull: ['$searchFileGrams', []] }] },
  };
}
