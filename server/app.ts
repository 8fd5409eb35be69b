import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { adminAccountRoutes, ownAccountRoutes } from './accounts/accounts.routes.js';
import { adminRoutes } from './admin/admin.routes.js';
import { requireSession } from './auth/auth.middleware.js';
import { authRoutes } from './auth/auth.routes.js';
import { conversationsRoutes } from './conversations/conversations.routes.js';
import { directoryRoutes } from './directory/directory.routes.js';
import { healthRoutes } from './health/health.routes.js';
import { messagingRoutes } from './messaging/messaging.routes.js';
import { presenceRoutes } from './presence/presence.routes.js';
import type { Services } from './services.js';
import { teleworkRoutes } from './telework/telework.routes.js';
import { syncRoutes } from './sync/sync.routes.js';
import { notificationsRoutes } from './notifications/notifications.routes.js';
import { meetingsRoutes } from './meetings/meetings.routes.js';
import { failFastHttp } from './transport/fail-fast.js';
import { errorHandler, notFoundHandler } from './transport/http.js';
import { checkOrigin } from './transport/origin.js';
import { requestId } from './transport/request-id.js';
import { clientRoutes } from './transport/static.js';
import { setupRoutes } from './setup/setup.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { transfersRoutes } from './transfers/transfers.routes.js';
import { teleworkPlansRoutes } from './telework/telework-plans.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { filesRoutes } from './files/files.routes.js';
import { searchRoutes } from './search/search.routes.js';

const defaultClientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../client/dist');

/** The HTTP side: JSON API under /api, the built client at /. */
export function buildApp(s: Services, clientDist = defaultClientDist): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId);
  app.set('trust proxy', 'loopback');
  // The office may serve plain http on its closed network: then the browser must not be told to
  // upgrade requests to https (it would load no script at all) nor to remember HSTS.
  const overTls = s.config.COOKIE_SECURE;
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: overTls ? [] : null } },
      strictTransportSecurity: overTls,
    }),
  );
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  app.use('/api', checkOrigin(s.config.ALLOWED_ORIGINS));
  // API answers carry message text: no browser or proxy may keep them on the remote terminal.
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const api = express.Router();
  api.use(healthRoutes(s.dbHealth));
  // Everything after health needs the database: with it down, `unavailable` at once.
  // Who am I and sign-out are answered from the session cache and handle an outage themselves
  // (a cached session keeps working; a logout still ends the session here): they are not cut off.
  api.use(failFastHttp(s.dbHealth, ['GET /me', 'POST /auth/logout']));
  api.use(authRoutes(s.auth, s.realtime, s.config));
  // First start: nobody can sign in yet, so the printed code stands in for a session.
  api.use(setupRoutes(s.setup, s.config, s.audit));
  // The remote-desktop gateway authenticates with its own token, so these come before the session check.
  api.use(teleworkRoutes(s.telework, s.auth, s.config, s.audit));
  // Changing one's password is open to a session that must change it; so it comes before the check.
  api.use(ownAccountRoutes(s.accounts, s.auth));
  api.use(requireSession(s.auth));
  // Express tries every route of every router above a request's own, in order. Sync is the one
  // request every client makes on every reconnect (3,000 within seconds after a restart), so it
  // comes first and does not walk the admin, audit and report routes; no other route is /sync.
  api.use(syncRoutes(s.sync));
  api.use(adminRoutes(s.directory, s.audit, s.staffImport));
  api.use(adminAccountRoutes(s.accounts, s.directory, s.audit));
  api.use(auditRoutes(s.audit));
  api.use(transfersRoutes(s.transfers, s.audit));
  api.use(teleworkPlansRoutes(s.teleworkPlans));
  api.use(reportsRoutes(s.reports, s.audit));
  api.use(directoryRoutes(s.directory, s.presence));
  api.use(conversationsRoutes(s.conversations, s.messaging));
  api.use(messagingRoutes(s.messaging));
  api.use(presenceRoutes(s.presence));
  api.use(notificationsRoutes(s.notifications));
  api.use(meetingsRoutes(s.meetings));
  api.use(filesRoutes(s.files));
  api.use(searchRoutes(s.search));
  for (const extra of s.extraRoutes) api.use(extra);
  api.use(notFoundHandler);
  app.use('/api', api);

  if (existsSync(clientDist)) {
    app.use(clientRoutes(clientDist));
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain; charset=utf-8').send('メッセージ (Messaging): the web client is not built; run `npm run build:client`.');
    });
  }
  app.use(errorHandler);
  return app;
}
