import express, { Router } from 'express';
import {
  createDepartmentBodySchema,
  createUserBodySchema,
  departmentParamsSchema,
  updateDepartmentBodySchema,
} from '../../shared/schemas/directory.js';
import { staffImportQuerySchema } from '../../shared/schemas/staff-import.js';
import { AppError } from '../../shared/errors.js';
import type { StaffImportService } from './staff-import.service.js';
import { authOf } from '../transport/http.js';
import { auditActor } from '../audit/audit.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { parse } from '../transport/validate.js';

/** Administration: only admins reach these handlers; the directory service does the writing. */
export function adminRoutes(directory: DirectoryService, audit: AuditService, staffImport: StaffImportService): Router {
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

  // The personnel system's file: the body is the CSV itself (3,000 people are about 300 KB).
  router.post('/admin/import/users', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    const query = parse(staffImportQuerySchema, req.query);
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError('bad_request', 'send the CSV file as the request body (Content-Type: text/csv)');
    const result = await staffImport.run(authOf(req).user, req.body, query);
    if (!result.dryRun) {
      const { counts } = result;
      await audit.record(auditActor(req), {
        action: 'staff.import',
        targetType: 'staff',
        summary: `職員CSVを取り込み（${result.encoding}）: 新規${counts.new}、変更${counts.changed}、変更なし${counts.unchanged}、エラー${counts.error}、無効化${result.disabled.length}、新しい部署${result.newDepartments.length}`,
      });
    }
    res.json(result);
  });

  router.get('/admin/export/users', async (req, res) => {
    const body = await staffImport.export();
    await audit.record(auditActor(req), { action: 'staff.export', targetType: 'staff', summary: '職員CSVを書き出し' });
    res.type('text/csv; charset=utf-8').attachment('staff.csv').send(body);
  });

  return router;
}
