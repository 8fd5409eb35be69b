/**
 * MongoDB's duplicate-key error (code 11000) names the index's fields in `keyPattern`.
 * Returns those field names, or null when the error is something else.
 */
export function isDuplicateKey(err: unknown): string[] | null {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown> };
  if (e?.code !== 11000) return null;
  return Object.keys(e.keyPattern ?? e.keyValue ?? {});
}
