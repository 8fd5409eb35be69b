import type { Router } from 'express';
import type { Connection } from 'mongoose';
import { AccountsService } from './accounts/accounts.service.js';
import { AuthService } from './auth/auth.service.js';
import type { Config } from './config.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { followDepartmentChannels } from './conversations/department-channels.js';
import { DirectoryService } from './directory/directory.service.js';
import { FilesService } from './files/files.service.js';
import { MessageQueries } from './messaging/message.queries.js';
import { MessagingService } from './messaging/messaging.service.js';
import { PresenceService } from './presence/presence.service.js';
import type { Realtime } from './realtime.js';
import { log } from './log.js';
import type { Clock, Monotonic } from './clock.js';
import type { Limiters } from './lib/limiter.js';
import type { DbHealth } from './db/db-health.js';
import type { Metrics } from './metrics/metrics.js';
import { TeleworkService } from './telework/telework.service.js';
import { SyncService } from './sync/sync.service.js';
import { NotificationsService } from './notifications/notifications.service.js';
import { SetupService } from './setup/setup.service.js';
import { AuditService } from './audit/audit.service.js';
import { StaffImportService } from './admin/staff-import.service.js';
import { TransfersService } from './transfers/transfers.service.js';
import { TeleworkPlansService } from './telework/telework-plans.service.js';
import { MeetingsService } from './meetings/meetings.service.js';
import { MeetingScheduler } from './meetings/scheduler.js';
import { ReportsService } from './reports/reports.service.js';
import { SearchService } from './search/search.service.js';

/** Every capability's service, wired once per server instance. */
export interface Services {
  config: Config;
  conn: Connection;
  realtime: Realtime;
  directory: DirectoryService;
  auth: AuthService;
  accounts: AccountsService;
  conversations: ConversationsService;
  messaging: MessagingService;
  presence: PresenceService;
  telework: TeleworkService;
  sync: SyncService;
  clock: Clock;
  limiters: Limiters;
  extraRoutes: Router[];
  stop(): Promise<void>;
  /** Whether the database answers (fail-fast answers, /api/health). */
  dbHealth: DbHealth;
  metrics: Metrics;
  /** Each person's choice of what notifies them (server/notifications). */
  notifications: NotificationsService;
  /** First start: the one-time code that creates the first admin (server/setup). */
  setup: SetupService;
  /** Every administrative act, recorded (server/audit). */
  audit: AuditService;
  /** The personnel system's staff file, in and out (server/admin). */
  staffImport: StaffImportService;
  /** 人事異動 on their effective date (server/transfers). */
  transfers: TransfersService;
  /** テレワーク予定 (server/telework). */
  teleworkPlans: TeleworkPlansService;
  /** Quick text meetings (server/meetings). */
  meetings: MeetingsService;
  /** Licence utilisation and telework by person (server/reports). */
  reports: ReportsService;
  /** Files attached to messages, in GridFS (server/files). */
  files: FilesService;
  /** Japanese-aware message search (server/search). */
  search: SearchService;
}

export async function createServices(
  config: Config,
  conn: Connection,
  realtime: Realtime,
  clocks: { wall: Clock; monotonic: Monotonic },
  limiters: Limiters,
  dbHealth: DbHealth,
  metrics: Metrics,
): Promise<Services> {
  const clock = clocks.wall;
  const directory = new DirectoryService(conn);
  const auth = new AuthService(conn, config, directory, limiters);
  const accounts = new AccountsService(directory, auth, realtime);
  const messageQueries = new MessageQueries(conn);
  const conversations = new ConversationsService(conn, directory, messageQueries, realtime, config, limiters);
  const files = new FilesService(conn, config, conversations, limiters);
  const messaging = new MessagingService(conn, config, conversations, directory, realtime, limiters, files, clock);
  const telework = new TeleworkService(conn, config, directory, clock, clocks.monotonic);
  const presence = new PresenceService(conn, config, directory, telework, realtime, clock);
  const sync = new SyncService(conversations, messageQueries, directory, clock);
  followDepartmentChannels(directory, conversations, messaging);
  const notifications = new NotificationsService(conn);
  const setup = new SetupService(conn, directory, auth, limiters);
  const audit = new AuditService(conn);
  const staffImport = new StaffImportService(directory, accounts, realtime);
  const transfers = new TransfersService(conn, directory, clock, config.TRANSFER_SWEEP_S * 1000);
  const teleworkPlans = new TeleworkPlansService(conn, directory, realtime, clock);
  const meetings = new MeetingsService(conn, config, conversations, messaging, messageQueries, directory, presence, realtime, clock, limiters);
  const meetingScheduler = new MeetingScheduler(meetings, clock);
  const search = new SearchService(conn, config, conversations, limiters);
  const reports = new ReportsService(config, telework, directory, messageQueries, clock);
  // Build every index before serving: the guarantees rest on the unique ones.
  await Promise.all([
    directory.init(),
    auth.init(),
    conversations.init(),
    messaging.init(),
    telework.init(),
    presence.init(),
    notifications.init(),
    meetings.init(),
    audit.init(),
    transfers.init(),
    teleworkPlans.init(),
    files.init(),
  ]);
  meetingScheduler.start();
  transfers.start();
  files.start(log);
  await messaging.startSearchBackfill(log);
  return {
    config,
    conn,
    realtime,
    directory,
    auth,
    accounts,
    conversations,
    messaging,
    presence,
    telework,
    sync,
    clock,
    limiters,
    extraRoutes: [],
    async stop() {
      await meetingScheduler.stop();
      telework.stop();
      await transfers.stop();
      await files.stop();
      await messaging.stop();
      await presence.stop();
      await conversations.stop();
    },
    dbHealth,
    metrics,
    notifications,
    setup,
    audit,
    staffImport,
    transfers,
    teleworkPlans,
    meetings,
    reports,
    files,
    search,
  };
}
