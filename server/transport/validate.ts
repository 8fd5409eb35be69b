import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';

/**
 * Validate at the boundary: anything that does not match gets `bad_request`, nothing happens.
 * Text must be well-formed Unicode: a lone surrogate (e.g. "\uD800") would be stored as U+FFFD
 * by MongoDB's UTF-8, so what was acknowledged would differ from what is stored, and an
 * idempotent retry would then conflict. It is refused before the schema sees it.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const badText = illFormedTextAt(input);
  if (badText !== null) {
    throw new AppError('bad_request', `${badText ? `${badText}: ` : ''}text must be well-formed Unicode (a lone surrogate was found)`);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw new AppError('bad_request', detail || 'invalid input');
  }
  return result.data;
}

/** A lone surrogate: with the `u` flag a valid pair reads as one astral code point, never as Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first ill-formed string (keys included) in a JSON-like value, or null if none. */
export function illFormedTextAt(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  // Payloads are shallow; anything deeper is refused by the schemas anyway.
  if (value === null || typeof value !== 'object' || depth > 8) return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return at;
    const found = illFormedTextAt(v, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
