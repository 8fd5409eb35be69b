import type { RequestHandler } from 'express';

/**
 * Browsers send `Origin` with WebSocket handshakes and state-changing requests. Cookies are
 * SameSite=Lax, which stops other *sites* but not another app on the same host or a sibling
 * intranet subdomain; so a request whose Origin is neither this server nor listed in
 * ALLOWED_ORIGINS is refused. Requests without Origin (the gateway, scripts) are not browser
 * requests riding a cookie, and pass.
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  try {
    const url = new URL(origin);
    return url.host === host || allowed.includes(url.origin);
  } catch {
    return false;
  }
}

export function checkOrigin(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || isAllowedOrigin(req.headers.origin, req.headers.host, allowed)) {
      next();
      return;
    }
    res.status(403).json({ error: { code: 'forbidden', message: 'cross-origin request refused' } });
  };
}
