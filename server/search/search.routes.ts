import { Router } from 'express';
import { searchQuerySchema } from '../../shared/schemas/search.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { SearchService } from './search.service.js';

export function searchRoutes(search: SearchService): Router {
  const router = Router();
  // `GET /api/search?q=&conversationId=&senderId=&from=&to=&hasFile=&before=&limit=` (README.md).
  router.get('/search', async (req, res) => {
    const query = parse(searchQuerySchema, req.query);
    res.json(await search.search(authOf(req).user, query));
  });
  return router;
}
