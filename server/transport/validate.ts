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

/**
 * The path of the first ill-formed string (keys included) in a JSON-like value, or null if none.
 * Every payload passes here (a `presence:watch` carries up to 1,000 ids), so it walks without
 * building anything: the path is made only for the string it reports.
 */
export function illFormedTextAt(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? '' : null;
  // Payloads are shallow; anything deeper is refused by the schemas anyway.
  if (value === null || typeof value !== 'object' || depth > 8) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedTextAt(value[i], depth + 1);
      if (found !== null) return pathOf(String(i), found);
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (LONE_SURROGATE.test(key)) return key;
    const found = illFormedTextAt((value as Record<string, unknown>)[key], depth + 1);
    if (found !== null) return pathOf(key, found);
  }
  return null;
}

function pathOf(key: string, rest: string): string {
  return rest ? `${key}.${rest}` : key;
}
