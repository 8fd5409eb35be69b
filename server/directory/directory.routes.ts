import { Router } from 'express';
import { listUsersQuerySchema, type UserWithPresence } from '../../shared/schemas/directory.js';
import type { PresenceService } from '../presence/presence.service.js';
import { parse } from '../transport/validate.js';
import type { DirectoryService } from './directory.service.js';

export function directoryRoutes(directory: DirectoryService, presence: PresenceService): Router {
  const router = Router();

  router.get('/departments', async (_req, res) => {
    res.json(await directory.listDepartments());
  });

  router.get('/users', async (req, res) => {
    const query = parse(listUsersQuerySchema, req.query);
    if (query.departmentId) await directory.getDepartment(query.departmentId);
    const users = await directory.listUsers({
      departmentIds: query.departmentId ? [query.departmentId] : undefined,
      q: query.q,
    });
    const presences = await presence.getMany(users.map((u) => u.id));
    const out: UserWithPresence[] = users
      .map((u) => ({ ...u, presence: presences.get(u.id)! }))
      .filter((u) => !query.presence || u.presence.state === query.presence);
    res.json(out);
  });

  return router;
}
