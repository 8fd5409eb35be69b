import { Router } from 'express';
import {
  conversationParamsSchema,
  createConversationBodySchema,
  listConversationsQuerySchema,
} from '../../shared/schemas/conversations.js';
import {
  addMembersBodySchema,
  conversationSettingsBodySchema,
  draftBodySchema,
  memberParamsSchema,
  renameConversationBodySchema,
} from '../../shared/schemas/conversation-management.js';
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

  // ── management (issue 9) ───────────────────────────────────
  // Each change first, then the system message that records it, to the members after it.

  router.patch('/conversations/:id', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const { title } = parse(renameConversationBodySchema, req.body);
    const { user } = authOf(req);
    const { conversation, memberIds, changed } = await conversations.rename(user, id, title);
    if (changed) await messaging.sendSystem(id, user.id, { type: 'title_changed', title }, memberIds);
    res.json(conversation);
  });

  router.post('/conversations/:id/members', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const { userIds } = parse(addMembersBodySchema, req.body);
    const { user } = authOf(req);
    const { conversation, memberIds, added } = await conversations.addMembers(user, id, userIds);
    if (added.length) await messaging.sendSystem(id, user.id, { type: 'members_added', userIds: added }, memberIds);
    res.json(conversation);
  });

  router.delete('/conversations/:id/members/:userId', async (req, res) => {
    const { id, userId } = parse(memberParamsSchema, req.params);
    const { user } = authOf(req);
    const { memberIds } = await conversations.removeMember(user, id, userId);
    await messaging.sendSystem(id, user.id, { type: 'member_removed', userIds: [userId] }, memberIds);
    res.status(204).end();
  });

  router.get('/channels', async (req, res) => {
    res.json({ channels: await conversations.listChannels(authOf(req).user) });
  });

  router.post('/conversations/:id/join', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const { user } = authOf(req);
    const { conversation, memberIds, joined } = await conversations.join(user, id);
    if (joined) await messaging.sendSystem(id, user.id, { type: 'member_joined', userIds: [user.id] }, memberIds);
    res.json(conversation);
  });

  router.put('/conversations/:id/settings', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const body = parse(conversationSettingsBodySchema, req.body);
    res.json(await conversations.setSettings(authOf(req).user.id, id, body));
  });

  router.get('/conversations/:id/draft', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    res.json(await conversations.getDraft(authOf(req).user.id, id));
  });

  router.put('/conversations/:id/draft', async (req, res) => {
    const { id } = parse(conversationParamsSchema, req.params);
    const { body } = parse(draftBodySchema, req.body);
    await conversations.putDraft(authOf(req).user.id, id, body);
    res.status(204).end();
  });

  return router;
}
