import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, type ErrorBody } from '../../shared/errors.js';
import type { AuthContext } from '../auth/auth.service.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { log, type Logger } from '../log.js';

/** Turns anything thrown into PROTOCOL.md's error body; unknown errors become `internal`. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return { status: err.status, body: err.toJSON() };
  const e = err as { type?: string; status?: number; name?: string };
  // body-parser's own errors: malformed JSON and oversized bodies.
  if (e?.type === 'entity.parse.failed') {
    return { status: 400, body: { code: 'bad_request', message: 'malformed JSON' } };
  }
  if (e?.type === 'entity.too.large') {
    return { status: 413, body: { code: 'payload_too_large', message: 'request body too large' } };
  }
  if (e?.status && e.status >= 400 && e.status < 500) {
    return { status: 400, body: { code: 'bad_request', message: 'bad request' } };
  }
  if (isDatabaseUnavailable(err)) {
    return { status: 503, body: { code: 'unavailable', message: 'database unavailable; try again shortly' } };
  }
  return { status: 500, body: { code: 'internal', message: 'internal error' } };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  // Already answered (`unavailable` when the database went down mid-request): this is its late end.
  if (res.headersSent) return;
  const { status, body } = toErrorBody(err);
  // Log the failure, never the request body (it may hold a password or a message). An outage is
  // logged once, by the database health watcher, not once per request.
  if (status >= 500 && body.code !== 'unavailable') loggerOf(req).error({ err, method: req.method, path: req.path, status }, 'request failed');
  res.status(status).json({ error: body });
};

/** The request's logger: carries its request id (see request-id.ts). */
export function loggerOf(req: Request): Logger {
  return (req as Request & { log?: Logger }).log ?? log;
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
};

/** The signed-in user of a request; set by the auth middleware, never from the request body. */
export function authOf(req: Request): AuthContext {
  const auth = (req as Request & { auth?: AuthContext }).auth;
  if (!auth) throw new AppError('unauthenticated', 'sign in first');
  return auth;
}
