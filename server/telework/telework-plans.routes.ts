import { Router } from 'express';
import { createPlansBodySchema, departmentPlansQuerySchema, planParamsSchema } from '../../shared/schemas/telework-plans.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { TeleworkPlansService } from './telework-plans.service.js';

/** テレワーク予定: one's own plans, and (supervisors, admins) a department's for today and tomorrow. */
export function teleworkPlansRoutes(plans: TeleworkPlansService): Router {
  const router = Router();

  router.post('/telework-plans', async (req, res) => {
    const body = parse(createPlansBodySchema, req.body);
    res.status(201).json({ plans: await plans.register(authOf(req).user, body) });
  });

  router.get('/telework-plans', async (req, res) => {
    res.json({ plans: await plans.mine(authOf(req).user.id) });
  });

  router.delete('/telework-plans/:id', async (req, res) => {
    const { id } = parse(planParamsSchema, req.params);
    await plans.remove(authOf(req).user.id, id);
    res.status(204).end();
  });

  router.get('/telework-plans/department', async (req, res) => {
    const { departmentId } = parse(departmentPlansQuerySchema, req.query);
    res.json(await plans.forDepartment(authOf(req).user, departmentId));
  });

  return router;
}
