import { Router } from 'express';
import { createDepartmentBodySchema, createUserBodySchema } from '../../shared/schemas/directory.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { parse } from '../transport/validate.js';

/** Administration: only admins reach these handlers; the directory service does the writing. */
export function adminRoutes(directory: DirectoryService): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'));

  router.post('/admin/departments', async (req, res) => {
    const body = parse(createDepartmentBodySchema, req.body);
    res.status(201).json(await directory.createDepartment(body));
  });

  router.post('/admin/users', async (req, res) => {
    const body = parse(createUserBodySchema, req.body);
    res.status(201).json(await directory.createUser(body));
  });

  return router;
}
