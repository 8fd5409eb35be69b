import { Router } from 'express';
import { auditActor } from '../audit/audit.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import {
  adminUsersQuerySchema,
  changePasswordBodySchema,
  sessionParamsSchema,
  updateUserBodySchema,
  userParamsSchema,
} from '../../shared/schemas/accounts.js';
import { requireRole, requireSession } from '../auth/auth.middleware.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { AccountsService } from './accounts.service.js';

/** Everyone's own account: password and sessions. Mounted before the general session check. */
export function ownAccountRoutes(accounts: AccountsService, auth: AuthService): Router {
  const router = Router();

  // The one route open to someone who must still replace a temporary password.
  router.post('/auth/password', requireSession(auth, { duringPasswordChange: true }), async (req, res) => {
    const body = parse(changePasswordBodySchema, req.body);
    await accounts.changePassword(authOf(req), body);
    res.status(204).end();
  });

  router.get('/auth/sessions', requireSession(auth), async (req, res) => {
    res.json(await accounts.listSessions(authOf(req)));
  });

  router.delete('/auth/sessions/:id', requireSession(auth), async (req, res) => {
    const { id } = parse(sessionParamsSchema, req.params);
    await accounts.endSession(authOf(req), id);
    res.status(204).end();
  });

  return router;
}

/** Administrators: the paged staff list, edits, disable/enable, password reset, sign-out everywhere. */
export function adminAccountRoutes(accounts: AccountsService, directory: DirectoryService, audit: AuditService): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'));

  router.get('/admin/users', async (req, res) => {
    const query = parse(adminUsersQuerySchema, req.query);
    res.json(await directory.listUsersPage(query));
  });

  router.patch('/admin/users/:id', async (req, res) => {
    const { id } = parse(userParamsSchema, req.params);
    const body = parse(updateUserBodySchema, req.body);
    const user = await accounts.update(authOf(req).user, id, body);
    const { disabled, ...fields } = body;
    const actor = auditActor(req);
    if (disabled !== undefined) {
      await audit.record(actor, { action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: id, summary: `${user.name}（${user.loginId}）を${disabled ? '無効化' : '有効化'}` });
    }
    if (Object.keys(fields).length > 0) {
      await audit.record(actor, { action: 'user.update', targetType: 'user', targetId: id, summary: `${user.name}（${user.loginId}）を変更: ${Object.keys(fields).join(', ')}` });
    }
    res.json(user);
  });

  router.post('/admin/users/:id/password-reset', async (req, res) => {
    const { id } = parse(userParamsSchema, req.params);
    const result = await accounts.resetPassword(id);
    // The temporary password goes to the admin only, never into the log.
    await audit.record(auditActor(req), { action: 'user.password_reset', targetType: 'user', targetId: id, summary: 'パスワードを初期化（仮パスワードを発行）' });
    res.json(result);
  });

  router.delete('/admin/users/:id/sessions', async (req, res) => {
    const { id } = parse(userParamsSchema, req.params);
    await accounts.revokeSessions(id);
    await audit.record(auditActor(req), { action: 'user.sessions_end', targetType: 'user', targetId: id, summary: 'すべてのサインインを終了' });
    res.status(204).end();
  });

  return router;
}
