import { Router } from 'express';
import { overviewQuerySchema } from '../../shared/schemas/telework.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { PresenceService } from './presence.service.js';

export function presenceRoutes(presence: PresenceService): Router {
  const router = Router();

  router.get('/presence/overview', async (req, res) => {
    const { departmentId } = parse(overviewQuerySchema, req.query);
    res.json(await presence.overview(authOf(req).user, departmentId));
  });

  return router;
}
