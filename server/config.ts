import { z } from 'zod';

/**
 * Configuration from the environment (PROTOCOL.md "Configuration"), validated strictly at start:
 * a bad value stops the server with a message naming the variable.
 */
const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

export const configSchema = z.object({
  PORT: int(3000, 0, 65535),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI').optional(),
  ADMIN_LOGIN_ID: z.string().min(1).max(64).optional(),
  ADMIN_PASSWORD: z.string().min(8).max(256).optional(),
  TELEWORK_CAPACITY: int(300, 0, 100_000),
  TELEWORK_GATEWAY_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  TELEWORK_HEARTBEAT_TIMEOUT_S: int(120, 1, 86_400),
  IDLE_AWAY_S: int(600, 1, 86_400),
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
  /** Failed logins allowed per login id and per address in LOGIN_FAIL_WINDOW_S. */
  LOGIN_FAIL_LIMIT_PER_ID: int(5, 1, 1000),
  LOGIN_FAIL_LIMIT_PER_IP: int(50, 1, 100_000),
  LOGIN_FAIL_WINDOW_S: int(900, 1, 86_400),
  /** Open sockets per person (all tabs and devices, across processes); one more is refused `rate_limited`. */
  MAX_SOCKETS_PER_USER: int(20, 1, 10_000),
  /** Typing events relayed per person per conversation: at most one start and one stop per this many seconds. */
  TYPING_THROTTLE_S: int(2, 1, 60),
  /** Prometheus metrics at `GET /metrics` on this port (0: any free port); unset: no metrics served. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
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
