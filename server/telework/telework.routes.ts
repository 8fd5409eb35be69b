import { Router } from 'express';
import { startTeleworkBodySchema, teleworkSessionParamsSchema } from '../../shared/schemas/telework.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Config } from '../config.js';
import type { AuditService } from '../audit/audit.service.js';
import { parse } from '../transport/validate.js';
import { actorOf, gatewayOrSession } from './telework.auth.js';
import type { TeleworkService } from './telework.service.js';

/** Mounted before the session check: the gateway calls these with its own token. */
export function teleworkRoutes(telework: TeleworkService, auth: AuthService, config: Config, audit: AuditService): Router {
  const router = Router();
  router.use('/telework', gatewayOrSession(config, auth));

  router.post('/telework/sessions', async (req, res) => {
    const body = parse(startTeleworkBodySchema, req.body ?? {});
    const { session, created } = await telework.start(actorOf(req), body.userId);
    res.status(created ? 201 : 200).json(session);
  });

  /** Extension: the caller's active session (null when none), so a client can end it. */
  router.get('/telework/sessions/current', async (req, res) => {
    const actor = actorOf(req);
    if (actor.kind === 'gateway') {
      res.status(400).json({ error: { code: 'bad_request', message: 'the gateway has no session of its own' } });
      return;
    }
    res.json({ session: await telework.current(actor.user.id) });
  });

  router.get('/telework/sessions/:id', async (req, res) => {
    const { id } = parse(teleworkSessionParamsSchema, req.params);
    res.json(await telework.get(actorOf(req), id));
  });

  router.post('/telework/sessions/:id/heartbeat', async (req, res) => {
    const { id } = parse(teleworkSessionParamsSchema, req.params);
    await telework.heartbeat(actorOf(req), id);
    res.status(204).end();
  });

  router.post('/telework/sessions/:id/end', async (req, res) => {
    const { id } = parse(teleworkSessionParamsSchema, req.params);
    const actor = actorOf(req);
    const session = await telework.end(actor, id);
    // An admin ending someone else's session is an administrative act.
    if (actor.kind !== 'gateway' && session.endReason === 'forced') {
      await audit.record({ user: actor.user, ip: req.ip ?? 'unknown' }, { action: 'telework.force_end', targetType: 'telework_session', targetId: id, summary: `テレワークを強制終了（利用者 ${session.userId}）` });
    }
    res.json(session);
  });

  router.get('/telework/status', async (_req, res) => {
    res.json(await telework.status());
  });

  return router;
}
