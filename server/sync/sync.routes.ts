import { Router } from 'express';
import { syncBodySchema } from '../../shared/schemas/sync.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { SyncService } from './sync.service.js';

export function syncRoutes(sync: SyncService): Router {
  const router = Router();

  // A POST because the body (cursor and held seqs) can be tens of kilobytes; it changes nothing.
  router.post('/sync', async (req, res) => {
    const body = parse(syncBodySchema, req.body);
    res.json(await sync.sync(authOf(req).user, body));
  });

  return router;
}
