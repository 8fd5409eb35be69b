import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { log } from '../log.js';

/** An id a proxy may have given the request already: kept if it looks like one, else replaced. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Every HTTP request gets an id, echoed in `X-Request-Id` and carried by every log line about it,
 * so a person reporting a failure can quote it and we can find the line.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
  res.set('X-Request-Id', id);
  (req as typeof req & { id: string; log: typeof log }).id = id;
  (req as typeof req & { log: typeof log }).log = log.child({ reqId: id });
  next();
};
