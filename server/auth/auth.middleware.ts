import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import type { Role } from '../../shared/schemas/auth.js';
import { authOf } from '../transport/http.js';
import type { AuthService } from './auth.service.js';
import { tokenFrom } from './token.js';

/**
 * Every /api route after this one needs a live session (cookie or bearer token). After a password
 * reset the person must choose a new password first: only the routes that say
 * `duringPasswordChange` (who am I, change password, sign out) answer until then; the rest are 403.
 */
export function requireSession(auth: AuthService, options: { duringPasswordChange?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    const ctx = await auth.authenticate(token);
    if (ctx.user.mustChangePassword && !options.duringPasswordChange) {
      throw new AppError('forbidden', 'change your temporary password first (POST /api/auth/password)');
    }
    (req as typeof req & { auth: unknown }).auth = ctx;
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!roles.includes(authOf(req).user.role)) throw new AppError('forbidden', 'not allowed for your role');
    next();
  };
}
