import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import type { AuthService } from '../auth/auth.service.js';
import { tokenFrom } from '../auth/token.js';
import type { Config } from '../config.js';
import type { TeleworkActor } from './telework.service.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Telework routes accept the remote-desktop gateway's bearer token (TELEWORK_GATEWAY_TOKEN)
 * as well as a person's session.
 */
export function gatewayOrSession(config: Config, auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    const gateway = config.TELEWORK_GATEWAY_TOKEN;
    // The gateway's token counts only as `Authorization: Bearer`, never from a cookie.
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7).trim() : '';
    if (gateway && bearer && sameSecret(bearer, gateway)) {
      (req as Request & { telework?: TeleworkActor }).telework = { kind: 'gateway' };
    } else {
      const session = await auth.authenticate(token);
      (req as Request & { telework?: TeleworkActor; auth?: unknown }).auth = session;
      (req as Request & { telework?: TeleworkActor }).telework = { kind: 'user', user: session.user };
    }
    next();
  };
}

export function actorOf(req: Request): TeleworkActor {
  const actor = (req as Request & { telework?: TeleworkActor }).telework;
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  return actor;
}
