import { Router } from 'express';
import { conversationParamsSchema, createConversationBodySchema } from '../../shared/schemas/conversations.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { ConversationsService } from './conversations.service.js';

export function conversationsRoutes(conversations: ConversationsService): Router {
  const router = Router();

  router.post('/conversations', async (req, res) => {
    const body = parse(createConversationBodySchema, req.body);
    const { conversation, created } = await conversations.create(authOf(req).user, body);
    res.status(created ? 201 : 200).json(conversation);
  });

  router.get('/conversations', async (req, res) => {
    res.json(await conversations.listFor(authOf(req).user.id));
  });

  router.get('/conversations/:id', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    res.json(await conversations.getFor(id, authOf(req).user.id));
  });

  return router;
}
