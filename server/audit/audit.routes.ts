import { Router, type Request } from 'express';
import { auditQuerySchema } from '../../shared/schemas/audit.js';
import { requireRole } from '../auth/auth.middleware.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { Actor, AuditService } from './audit.service.js';

/** Who is acting in this request, for the audit log: the session's person and the client's address. */
export function auditActor(req: Request): Actor {
  return { user: authOf(req).user, ip: req.ip ?? 'unknown' };
}

/** The audit log viewer (admins only): paged JSON, or the matching entries as CSV. */
export function auditRoutes(audit: AuditService): Router {
  const router = Router();
  router.use('/admin/audit', requireRole('admin'));

  router.get('/admin/audit', async (req, res) => {
    const query = parse(auditQuerySchema, req.query);
    if (query.format === 'csv' || req.accepts(['json', 'text/csv']) === 'text/csv') {
      const body = await audit.csv(query);
      // An export of the log is itself an administrative act.
      await audit.record(auditActor(req), { action: 'audit.export', targetType: 'audit', summary: '監査ログをCSVで書き出し' });
      res.type('text/csv; charset=utf-8').attachment('audit-log.csv').send(body);
      return;
    }
    res.json(await audit.page(query));
  });

  return router;
}
