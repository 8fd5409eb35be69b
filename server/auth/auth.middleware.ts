import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import type { Role } from '../../shared/schemas/auth.js';
import { authOf } from '../transport/http.js';
import type { AuthService } from './auth.service.js';
import { tokenFrom } from './token.js';

/** Every /api route after this one needs a live session (cookie or bearer token). */
export function requireSession(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    (req as typeof req & { auth: unknown }).auth = await auth.authenticate(token);
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!roles.includes(authOf(req).user.role)) throw new AppError('forbidden', 'not allowed for your role');
    next();
  };
}
