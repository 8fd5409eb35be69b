import { Router } from 'express';
import type { DbHealth } from '../db/db-health.js';

/**
 * `GET /api/health`: 200 `{status: "ok", db: "up"}` while the database answers; 503
 * `{status: "degraded", db: "down", reason, since}` otherwise. Answered from the health watcher's
 * state at once, so it never waits on the database itself. No session needed.
 */
export function healthRoutes(dbHealth: DbHealth): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const db = dbHealth.current;
    if (db.up) {
      res.json({ status: 'ok', db: 'up' });
      return;
    }
    res.status(503).json({ status: 'degraded', db: 'down', reason: db.reason, since: db.since.toISOString() });
  });
  return router;
}
