import { Router } from 'express';
import { z } from 'zod';
import {
  agendaTickBodySchema,
  createMarkBodySchema,
  createMeetingBodySchema,
  extendMeetingBodySchema,
  listMeetingsQuerySchema,
  listTodosQuerySchema,
  minutesFormatSchema,
  todoPatchBodySchema,
} from '../../shared/schemas/meetings.js';
import { idSchema } from '../../shared/schemas/common.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { MeetingsService } from './meetings.service.js';
import { minutesToCsv, minutesToMarkdown } from './minutes.js';

const idParams = z.object({ id: idSchema }).strict();
const markParams = z.object({ id: idSchema, markId: idSchema }).strict();
const noBody = z.object({}).strict();

/** `/api/meetings` and `/api/todos` (README.md beside this file): decode, call the service, answer. */
export function meetingsRoutes(meetings: MeetingsService): Router {
  const router = Router();

  router.post('/meetings', async (req, res) => {
    const body = parse(createMeetingBodySchema, req.body);
    res.status(201).json(await meetings.create(authOf(req).user, body));
  });

  router.get('/meetings', async (req, res) => {
    const query = parse(listMeetingsQuerySchema, req.query);
    res.json(await meetings.list(authOf(req).user, query));
  });

  router.get('/meetings/:id', async (req, res) => {
    const { id } = parse(idParams, req.params);
    res.json(await meetings.get(authOf(req).user, id));
  });

  router.post('/meetings/:id/join', async (req, res) => {
    const { id } = parse(idParams, req.params);
    parse(noBody, req.body ?? {});
    res.json(await meetings.join(authOf(req).user, id));
  });

  router.post('/meetings/:id/leave', async (req, res) => {
    const { id } = parse(idParams, req.params);
    parse(noBody, req.body ?? {});
    res.json(await meetings.leave(authOf(req).user, id));
  });

  router.post('/meetings/:id/extend', async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { minutes } = parse(extendMeetingBodySchema, req.body);
    res.json(await meetings.extend(authOf(req).user, id, minutes));
  });

  router.post('/meetings/:id/end', async (req, res) => {
    const { id } = parse(idParams, req.params);
    parse(noBody, req.body ?? {});
    res.json(await meetings.end(authOf(req).user, id));
  });

  router.post('/meetings/:id/agenda', async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { index, done } = parse(agendaTickBodySchema, req.body);
    res.json(await meetings.tickAgenda(authOf(req).user, id, index, done));
  });

  router.get('/meetings/:id/minutes', async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { format = 'json' } = parse(minutesFormatSchema, req.query);
    const minutes = await meetings.minutes(authOf(req).user, id);
    if (format === 'json') {
      res.json(minutes);
      return;
    }
    // The file name in ASCII (the meeting's id) and in UTF-8 (the topic) for browsers that read it.
    const ext = format === 'md' ? 'md' : 'csv';
    const utf8Name = encodeURIComponent(`議事録_${minutes.title}.${ext}`.replace(/[\\/:*?"<>|]/g, '_'));
    res.set('Content-Disposition', `attachment; filename="minutes-${id}.${ext}"; filename*=UTF-8''${utf8Name}`);
    if (format === 'md') res.type('text/markdown; charset=utf-8').send(minutesToMarkdown(minutes));
    else res.type('text/csv; charset=utf-8').send(minutesToCsv(minutes));
  });

  router.get('/meetings/:id/marks', async (req, res) => {
    const { id } = parse(idParams, req.params);
    res.json({ marks: await meetings.listMarks(authOf(req).user, id) });
  });

  router.post('/meetings/:id/marks', async (req, res) => {
    const { id } = parse(idParams, req.params);
    const body = parse(createMarkBodySchema, req.body);
    res.status(201).json(await meetings.addMark(authOf(req).user, id, body));
  });

  router.delete('/meetings/:id/marks/:markId', async (req, res) => {
    const { id, markId } = parse(markParams, req.params);
    await meetings.removeMark(authOf(req).user, id, markId);
    res.status(204).end();
  });

  router.get('/todos', async (req, res) => {
    const { done } = parse(listTodosQuerySchema, req.query);
    res.json({ todos: await meetings.todos(authOf(req).user, done === undefined ? undefined : done === 'true') });
  });

  router.patch('/todos/:id', async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { done } = parse(todoPatchBodySchema, req.body);
    res.json(await meetings.setTodoDone(authOf(req).user, id, done));
  });

  return router;
}
