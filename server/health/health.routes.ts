import { Router } from 'express';
import type { Connection } from 'mongoose';

/** `GET /api/health`: 200 while the database answers a ping, 503 otherwise. No session needed. */
export function healthRoutes(conn: Connection): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const up = await Promise.race([
      conn.db ? conn.db.admin().ping().then(() => true, () => false) : Promise.resolve(false),
      new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
    ]);
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
  });
  return router;
}
