import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';

/** Validate at the boundary: anything that does not match gets `bad_request`, nothing happens. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
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
