import { Router } from 'express';
import {
  conversationParamsSchema,
  createConversationBodySchema,
  listConversationsQuerySchema,
} from '../../shared/schemas/conversations.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { ConversationsService } from './conversations.service.js';

export function conversationsRoutes(conversations: ConversationsService, messaging: MessagingService): Router {
  const router = Router();

  router.post('/conversations', async (req, res) => {
    const body = parse(createConversationBodySchema, req.body);
    const { conversation, created } = await conversations.create(authOf(req).user, body);
    res.status(created ? 201 : 200).json(conversation);
  });

  // The answer stays an array (PROTOCOL.md); the next page's cursor travels in X-Next-Cursor.
  router.get('/conversations', async (req, res) => {
    const query = parse(listConversationsQuerySchema, req.query);
    const { conversations: page, nextCursor } = await conversations.listFor(authOf(req).user.id, query);
    if (nextCursor) res.set('X-Next-Cursor', nextCursor);
    res.json(page);
  });

  router.get('/conversations/:id', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    res.json(await conversations.getFor(id, authOf(req).user.id));
  });

  // Leave first (the membership is what matters), then record it for those who stay.
  router.post('/conversations/:id/leave', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const { user } = authOf(req);
    const { memberIds } = await conversations.leave(user, id);
    await messaging.sendSystem(id, user.id, { type: 'member_left', userIds: [user.id] }, memberIds);
    res.status(204).end();
  });

  return router;
}
