import type { Router } from 'express';
import type { Connection } from 'mongoose';
import { AuthService } from './auth/auth.service.js';
import type { Config } from './config.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { DirectoryService } from './directory/directory.service.js';
import { MessageQueries } from './messaging/message.queries.js';
import { MessagingService } from './messaging/messaging.service.js';
import { PresenceService } from './presence/presence.service.js';
import type { Realtime } from './realtime.js';
import type { Clock } from './clock.js';
import type { Limiters } from './lib/limiter.js';
import type { DbHealth } from './db/db-health.js';
import type { Metrics } from './metrics/metrics.js';
import { TeleworkService } from './telework/telework.service.js';

/** Every capability's service, wired once per server instance. */
export interface Services {
  config: Config;
  conn: Connection;
  realtime: Realtime;
  directory: DirectoryService;
  auth: AuthService;
  conversations: ConversationsService;
  messaging: MessagingService;
  presence: PresenceService;
  telework: TeleworkService;
  clock: Clock;
  limiters: Limiters;
  extraRoutes: Router[];
  stop(): Promise<void>;
  /** Whether the database answers (fail-fast answers, /api/health). */
  dbHealth: DbHealth;
  metrics: Metrics;
}

export async function createServices(
  config: Config,
  conn: Connection,
  realtime: Realtime,
  clock: Clock,
  limiters: Limiters,
  dbHealth: DbHealth,
  metrics: Metrics,
): Promise<Services> {
  const directory = new DirectoryService(conn);
  const auth = new AuthService(conn, config, directory, limiters);
  const messageQueries = new MessageQueries(conn);
  const conversations = new ConversationsService(conn, directory, messageQueries, realtime);
  const messaging = new MessagingService(conn, config, conversations, directory, realtime, limiters);
  const telework = new TeleworkService(conn, config, directory, clock);
  const presence = new PresenceService(conn, config, directory, telework, realtime, clock);
  // Build every index before serving: the guarantees rest on the unique ones.
  await Promise.all([directory.init(), auth.init(), conversations.init(), messaging.init(), telework.init(), presence.init()]);
  return {
    config,
    conn,
    realtime,
    directory,
    auth,
    conversations,
    messaging,
    presence,
    telework,
    clock,
    limiters,
    extraRoutes: [],
    async stop() {
      telework.stop();
      await presence.stop();
    },
    dbHealth,
    metrics,
  };
}
