import { Router } from 'express';
import { conversationParamsSchema, listMessagesQuerySchema } from '../../shared/schemas/conversations.js';
import { messageParamsSchema } from '../../shared/schemas/message-actions.js';
import { requireRole } from '../auth/auth.middleware.js';
import { recordQuerySchema } from '../../shared/schemas/record-export.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { MessagingService } from './messaging.service.js';

export function messagingRoutes(messaging: MessagingService): Router {
  const router = Router();

  router.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const query = parse(listMessagesQuerySchema, req.query);
    res.json(await messaging.list(authOf(req).user.id, id, query));
  });

  // 既読 with names: who of the members has read the message and who has not (members only).
  router.get('/messages/:id/readers', async (req, res) => {
    const { id } = parse(messageParamsSchema, req.params);
    res.json(await messaging.readers(authOf(req).user.id, id));
  });

  // 確認依頼: who of the recipients confirmed and who not (the sender and members).
  router.get('/messages/:id/acks', async (req, res) => {
    const { id } = parse(messageParamsSchema, req.params);
    res.json(await messaging.actions.acksOf(authOf(req).user.id, id));
  });

  router.get('/conversations/:id/pins', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    res.json(await messaging.actions.pins(authOf(req).user.id, id));
  });

  // The record of a conversation (edits and taken-back texts included): admins only.
  router.get('/admin/conversations/:id/record', requireRole('admin'), async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    res.json(await messaging.record(id, parse(recordQuerySchema, req.query)));
  });

  return router;
}
