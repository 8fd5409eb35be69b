import { Router, type Request, type Response } from 'express';
import { listUsersQuerySchema, type DirectoryListing, type UserWithPresence } from '../../shared/schemas/directory.js';
import type { PresenceService } from '../presence/presence.service.js';
import { parse } from '../transport/validate.js';
import type { DirectoryService } from './directory.service.js';

export function directoryRoutes(directory: DirectoryService, presence: PresenceService): Router {
  const router = Router();

  router.get('/departments', async (req, res) => {
    const version = await directory.version();
    if (notModified(req, res, version)) return;
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

  // Everyone and every department without presence; refetched only when the version changed.
  router.get('/directory', async (req, res) => {
    parse(emptyQuery, req.query);
    // The version is read before the data: a write in between makes the next version differ, so a
    // client never keeps older data under a newer version.
    const version = await directory.version();
    if (notModified(req, res, version)) return;
    res.type('application/json').send(jsonOf(await directory.listing(version)));
  });

  return router;
}

const emptyQuery = listUsersQuerySchema.pick({}).strict();

/** Serialised once per listing: 3,000 clients refetching after one change share one string. */
const serialised = new WeakMap<DirectoryListing, string>();
function jsonOf(listing: DirectoryListing): string {
  let json = serialised.get(listing);
  if (json === undefined) {
    json = JSON.stringify(listing);
    serialised.set(listing, json);
  }
  return json;
}

/** Sets the version's ETag; answers 304 (and true) when the client already holds that version. */
function notModified(req: Request, res: Response, version: string): boolean {
  const etag = `"dir-${version}"`;
  res.set('ETag', etag);
  const held = (req.get('If-None-Match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!held.includes(etag) && !held.includes('*')) return false;
  res.status(304).end();
  return true;
}
