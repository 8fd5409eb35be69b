import { z } from 'zod';
import { FILE_KINDS } from '../shared/constants.js';

/**
 * Configuration from the environment (PROTOCOL.md "Configuration"), validated strictly at start:
 * a bad value stops the server with a message naming the variable.
 */
/** What FILE_ALLOWED_TYPES allows when unset: images, PDF, office documents (new and old), text and CSV, zip. */
export const DEFAULT_FILE_ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'text/plain',
  'text/csv',
  'application/zip',
].join(',');
const MEDIA_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/;

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

export const configSchema = z.object({
  PORT: int(3000, 0, 65535),
  /**
   * Connections the kernel holds for us while the event loop is busy (listen backlog; Linux caps it
   * at net.core.somaxconn). Node's 511 overflowed when 3,000 people reconnected at once: the kernel
   * dropped the rest, and their TCP retries came 1, 3, 7, 15 s later (README "Configuration").
   */
  LISTEN_BACKLOG: int(4096, 1, 65535),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI').optional(),
  ADMIN_LOGIN_ID: z.string().min(1).max(64).optional(),
  ADMIN_PASSWORD: z.string().min(8).max(256).optional(),
  TELEWORK_CAPACITY: int(300, 0, 100_000),
  TELEWORK_GATEWAY_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  TELEWORK_HEARTBEAT_TIMEOUT_S: int(120, 1, 86_400),
  IDLE_AWAY_S: int(600, 1, 86_400),
  /** How often each process applies 人事異動 that have become due (issue 11). */
  TRANSFER_SWEEP_S: int(60, 1, 3600),
  /** A dropped connection that returns within this many seconds causes no offline flicker. */
  PRESENCE_GRACE_S: int(15, 0, 600),
  /** Presence events are gathered for this long and sent as one batch per change. */
  PRESENCE_COALESCE_MS: int(500, 0, 10_000),
  REDIS_URL: z.string().regex(/^rediss?:\/\//).optional(),
  /** Other browser origins allowed to call the API and open sockets (comma-separated), e.g. a dev server. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  SESSION_TTL_HOURS: int(12, 1, 24 * 30),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Messages a user may send per window (burst-friendly; people paste lists). */
  MESSAGE_RATE_LIMIT: int(120, 1, 100_000),
  MESSAGE_RATE_WINDOW_S: int(60, 1, 3600),
  /**
   * Wrong passwords allowed per (login id, address) pair, and per address for sign-ins from an
   * address new to that login id, in LOGIN_FAIL_WINDOW_S.
   */
  LOGIN_FAIL_LIMIT_PER_ID: int(5, 1, 1000),
  LOGIN_FAIL_LIMIT_PER_IP: int(300, 1, 100_000),
  LOGIN_FAIL_WINDOW_S: int(900, 1, 86_400),
  /** Conversation activity (the list order) is gathered for this long and written in one bulk update. */
  CONVERSATION_ACTIVITY_FLUSH_MS: int(200, 0, 60_000),
  /** Most members a group or channel may have, its creator included (a dm has 2). */
  MAX_GROUP_MEMBERS: int(500, 2, 5000),
  /** Conversations one person may create per window; asking again for an existing dm does not count. */
  CONVERSATION_CREATE_LIMIT: int(30, 1, 100_000),
  CONVERSATION_CREATE_WINDOW_S: int(600, 1, 86_400),
  /**
   * Wrong passwords for one login id from all addresses together (those where the person has not
   * signed in before) allowed in LOGIN_ID_FAIL_WINDOW_S before exponential backoff starts: the k-th
   * failure beyond it blocks the id there for min(BASE × 2^(k−1), MAX) seconds.
   */
  LOGIN_ID_FAIL_FREE: int(10, 1, 10_000),
  LOGIN_ID_FAIL_WINDOW_S: int(86_400, 60, 30 * 86_400),
  LOGIN_ID_BACKOFF_BASE_S: int(30, 1, 86_400),
  LOGIN_ID_BACKOFF_MAX_S: int(1800, 1, 86_400),
  /**
   * A successful sign-in makes that address the person's usual terminal for this many days (at
   * most 24: the in-memory limit store expires keys with a timer, which cannot exceed 2^31 ms).
   */
  LOGIN_KNOWN_ADDRESS_DAYS: int(14, 1, 24),
  /** Session checks are served from memory for this long (0: always ask the database)… */
  SESSION_CACHE_TTL_S: int(30, 0, 300),
  /** …and, only while the database cannot answer, for this long since the last real check. */
  SESSION_CACHE_STALE_S: int(300, 0, 86_400),
  SESSION_CACHE_MAX: int(20_000, 0, 1_000_000),
  /** A sign-in or session check the database has not answered within this is `unavailable`. */
  AUTH_DB_TIMEOUT_MS: int(2000, 100, 60_000),
  /**
   * scrypt cost as log2(N) (r=8, p=1). The default 17 is OWASP's recommendation; keep it in
   * production. The minimum 12 exists only so that test runs can hash faster.
   */
  PASSWORD_HASH_LOG_N: int(17, 12, 20),
  /** Sign-in sessions per person; a new sign-in ends the oldest beyond this. */
  MAX_SESSIONS_PER_USER: int(20, 1, 1000),
  /** Open sockets per person (all tabs and devices, across processes); one more is refused `rate_limited`. */
  MAX_SOCKETS_PER_USER: int(20, 1, 10_000),
  /** Typing events relayed per person per conversation: at most one start and one stop per this many seconds. */
  TYPING_THROTTLE_S: int(2, 1, 60),
  /** Prometheus metrics at `GET /metrics` on this port (0: any free port); unset: no metrics served. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * The driver's per-command events (the database latency metric; tests count commands with them).
   * Off by default: the driver then decodes every reply a second time, for the event (about a tenth
   * of the server's CPU in the connect storm, by profile).
   */
  DB_COMMAND_MONITORING: z.union([z.boolean(), z.stringbool()]).default(false),
  /** @全員 (mention everyone) is open to anyone in conversations of at most this many people; supervisors and admins anywhere. */
  MENTION_ALL_MAX_MEMBERS: int(50, 2, 100_000),
  /** How long after sending the author may edit a message, in seconds; 0: no limit. */
  MESSAGE_EDIT_WINDOW_S: int(0, 0, 10 * 365 * 86_400),
  /** How long after sending the author may take a message back (送信取消), in seconds; 0: no limit. */
  MESSAGE_TAKE_BACK_WINDOW_S: int(86_400, 0, 10 * 365 * 86_400),
  /** A 確認依頼's sender may remind those who have not confirmed at most once per this many seconds. */
  ACK_REMIND_INTERVAL_S: int(3600, 1, 7 * 86_400),
  /**
   * Departments (comma-separated ids, e.g. 情報政策課 and 人事課) whose supervisors may view the
   * reports; admins always may. Empty: admins only.
   */
  REPORTS_DEPARTMENT_IDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[0-9a-f]{24}$/, 'each must be a 24-character hex department id')).max(100)),
  // Files (issue 12, server/files/README.md).
  /** Largest file one upload may carry, in bytes (default 20 MB); more is refused while it streams in. */
  FILE_MAX_BYTES: int(20 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  /**
   * What may be uploaded: media types (`application/pdf`, `image/*`) or kinds (`image`, `pdf`,
   * `document`, `spreadsheet`, `presentation`, `text`, `archive`), comma-separated; the type is the
   * one recognised from the content (server/files/file-types.ts), never the name or the browser's word.
   */
  FILE_ALLOWED_TYPES: z
    .string()
    .default(DEFAULT_FILE_ALLOWED_TYPES)
    .transform((v) => v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
    .pipe(
      z
        .array(z.union([z.enum(FILE_KINDS), z.string().regex(MEDIA_TYPE_PATTERN, 'each must be a media type (type/subtype or type/*) or a kind')]))
        .min(1)
        .max(200),
    ),
  /**
   * A scanner run on every upload before it is stored (e.g. `clamdscan --no-summary`): split on
   * spaces into a program and its arguments (no shell), the file's path appended. Exit 0 accepts;
   * anything else refuses the file. Unset: no scan.
   */
  ATTACHMENT_SCAN_COMMAND: z.string().trim().min(1).max(1000).optional(),
  /** The scan is killed after this long, and the file refused as `unavailable` (try again). */
  ATTACHMENT_SCAN_TIMEOUT_S: int(60, 1, 3600),
  /** An upload not sent with a message within this many hours is deleted (checked hourly). */
  FILE_UNSENT_TTL_H: int(24, 1, 24 * 30),
  /** Uploads one person may make per window (each file counts one). */
  FILE_UPLOAD_RATE_LIMIT: int(60, 1, 100_000),
  FILE_UPLOAD_RATE_WINDOW_S: int(600, 1, 86_400),
  // Search (issue 12, server/search/README.md).
  /** Searches one person may make per window (each costs an index walk). */
  SEARCH_RATE_LIMIT: int(60, 1, 100_000),
  SEARCH_RATE_WINDOW_S: int(60, 1, 3600),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
