import { Router } from 'express';
import { listTransfersQuerySchema, scheduleTransfersBodySchema, transferParamsSchema } from '../../shared/schemas/transfers.js';
import { auditActor } from '../audit/audit.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import { requireRole } from '../auth/auth.middleware.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { TransfersService } from './transfers.service.js';

/** 人事異動 (admins only): schedule, list, cancel. */
export function transfersRoutes(transfers: TransfersService, audit: AuditService): Router {
  const router = Router();
  router.use('/admin/transfers', requireRole('admin'));

  router.post('/admin/transfers', async (req, res) => {
    const body = parse(scheduleTransfersBodySchema, req.body);
    const scheduled = await transfers.schedule(authOf(req).user, body);
    await audit.record(auditActor(req), {
      action: 'transfer.schedule',
      targetType: 'staff',
      summary: `人事異動を予約: ${scheduled.length}人、${body.effectiveDate}付${body.note ? `（${body.note}）` : ''}`,
    });
    res.status(201).json({ transfers: scheduled });
  });

  router.get('/admin/transfers', async (req, res) => {
    const query = parse(listTransfersQuerySchema, req.query);
    res.json({ transfers: await transfers.list(query.state) });
  });

  router.delete('/admin/transfers/:id', async (req, res) => {
    const { id } = parse(transferParamsSchema, req.params);
    const cancelled = await transfers.cancel(id);
    await audit.record(auditActor(req), { action: 'transfer.cancel', targetType: 'user', targetId: cancelled.userId, summary: `${cancelled.effectiveDate}付の人事異動を取消` });
    res.status(204).end();
  });

  return router;
}
