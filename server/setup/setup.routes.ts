import { Router } from 'express';
import { setupBodySchema } from '../../shared/schemas/setup.js';
import { setSessionCookie } from '../auth/auth.routes.js';
import type { Config } from '../config.js';
import { parse } from '../transport/validate.js';
import type { SetupService } from './setup.service.js';
import type { AuditService } from '../audit/audit.service.js';

/** First start: open to anyone (nobody can sign in yet); the printed code is the credential. */
export function setupRoutes(setup: SetupService, config: Config, audit: AuditService): Router {
  const router = Router();

  router.get('/setup', async (_req, res) => {
    res.json(await setup.status());
  });

  router.post('/setup', async (req, res) => {
    const body = parse(setupBodySchema, req.body);
    const { token, user } = await setup.complete(body, req.ip ?? 'unknown', req.headers['user-agent']);
    await audit.record({ user, ip: req.ip ?? 'unknown' }, { action: 'setup.first_admin', targetType: 'user', targetId: user.id, summary: `初回設定で最初の管理者 ${user.name}（${user.loginId}）を作成` });
    setSessionCookie(res, token, config);
    res.status(201).json({ token, user });
  });

  return router;
}
