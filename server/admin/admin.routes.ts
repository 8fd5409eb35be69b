import { Router } from 'express';
import {
  createDepartmentBodySchema,
  createUserBodySchema,
  departmentParamsSchema,
  updateDepartmentBodySchema,
} from '../../shared/schemas/directory.js';
import { auditActor } from '../audit/audit.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { parse } from '../transport/validate.js';

/** Administration: only admins reach these handlers; the directory service does the writing. */
export function adminRoutes(directory: DirectoryService, audit: AuditService): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'));

  router.post('/admin/departments', async (req, res) => {
    const body = parse(createDepartmentBodySchema, req.body);
    const department = await directory.createDepartment(body);
    await audit.record(auditActor(req), { action: 'department.create', targetType: 'department', targetId: department.id, summary: `部署「${department.name}」を作成` });
    res.status(201).json(department);
  });

  router.patch('/admin/departments/:id', async (req, res) => {
    const { id } = parse(departmentParamsSchema, req.params);
    const body = parse(updateDepartmentBodySchema, req.body);
    const { before, after } = await directory.updateDepartment(id, body);
    const changes = [
      before.name !== after.name ? `名称「${before.name}」→「${after.name}」` : '',
      before.parentId !== after.parentId ? `上位部署 ${before.parentId ?? 'なし'} → ${after.parentId ?? 'なし'}` : '',
    ].filter(Boolean);
    await audit.record(auditActor(req), { action: 'department.update', targetType: 'department', targetId: id, summary: `部署「${after.name}」を変更: ${changes.join('、') || '変更なし'}` });
    res.json(after);
  });

  router.delete('/admin/departments/:id', async (req, res) => {
    const { id } = parse(departmentParamsSchema, req.params);
    const retired = await directory.retireDepartment(id);
    await audit.record(auditActor(req), { action: 'department.retire', targetType: 'department', targetId: id, summary: `部署「${retired.name}」を廃止` });
    res.status(204).end();
  });

  router.post('/admin/users', async (req, res) => {
    const body = parse(createUserBodySchema, req.body);
    const user = await directory.createUser(body);
    await audit.record(auditActor(req), { action: 'user.create', targetType: 'user', targetId: user.id, summary: `${user.name}（${user.loginId}、${user.role}）を登録` });
    res.status(201).json(user);
  });

  return router;
}
