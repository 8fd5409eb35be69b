import { Router, type CookieOptions, type Response } from 'express';
import { AppError } from '../../shared/errors.js';
import { loginBodySchema } from '../../shared/schemas/auth.js';
import type { Config } from '../config.js';
import type { Realtime } from '../realtime.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import { requireSession } from './auth.middleware.js';
import type { AuthService } from './auth.service.js';
import { SESSION_COOKIE } from './token.js';

function sessionCookie(config: Config): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.COOKIE_SECURE, path: '/' };
}

/** The session cookie of a new sign-in (HttpOnly, SameSite): the page never sees the token. */
export function setSessionCookie(res: Response, token: string, config: Config): void {
  res.cookie(SESSION_COOKIE, token, { ...sessionCookie(config), maxAge: config.SESSION_TTL_HOURS * 3600_000 });
}

export function authRoutes(auth: AuthService, realtime: Realtime, config: Config): Router {
  const router = Router();
  const cookie = sessionCookie(config);
  // Revocations must reach the session caches of the other processes.
  auth.useRealtime(realtime.io);

  router.post('/auth/login', async (req, res) => {
    const body = parse(loginBodySchema, req.body);
    try {
      const { token, user } = await auth.login(body, req.ip ?? 'unknown', req.headers['user-agent']);
      setSessionCookie(res, token, config);
      res.json({ token, user });
    } catch (err) {
      // A 429 says how long to wait, in the header (RFC 9110) as well as in the body.
      if (err instanceof AppError && err.retryAfterS !== undefined) res.set('Retry-After', String(err.retryAfterS));
      throw err;
    }
  });

  router.post('/auth/logout', requireSession(auth, { duringPasswordChange: true }), async (req, res) => {
    const { sessionId } = authOf(req);
    try {
      await auth.logout(sessionId);
    } finally {
      // Even if the database could not delete the session (503), this browser and these sockets end now.
      await realtime.disconnectSession(sessionId);
      res.clearCookie(SESSION_COOKIE, cookie);
    }
    res.status(204).end();
  });

  router.get('/me', requireSession(auth, { duringPasswordChange: true }), (req, res) => {
    res.json({ user: authOf(req).user });
  });

  return router;
}
