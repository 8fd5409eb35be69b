import { Router } from 'express';
import { notificationSettingsPatchSchema } from '../../shared/schemas/notifications.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { NotificationsService } from './notifications.service.js';

/** The caller's own notification settings; nobody reads or changes another's. */
export function notificationsRoutes(notifications: NotificationsService): Router {
  const router = Router();

  router.get('/notification-settings', async (req, res) => {
    res.json(await notifications.get(authOf(req).user.id));
  });

  router.put('/notification-settings', async (req, res) => {
    const patch = parse(notificationSettingsPatchSchema, req.body);
    res.json(await notifications.update(authOf(req).user.id, patch));
  });

  return router;
}
