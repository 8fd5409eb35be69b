import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Clock, Monotonic } from '../../server/clock.js';
import type { Config } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { testDbUri } from './database.js';
import { Api } from './http.js';
import { connectSocket, type ClientSocket } from './sockets.js';

export const ADMIN = { loginId: 'admin', password: 'kanrisha-pw-2026' };
/** The test-only scrypt cost (the minimum PASSWORD_HASH_LOG_N allows). */
export const TEST_PASSWORD_HASH_LOG_N = 12;

export interface TestServer {
  server: RunningServer;
  url: string;
  dbUri: string;
  api: Api;
  /** A real socket.io-client connection as `who`; closed by stop(). */
  connect(who: { token: string }): Promise<ClientSocket>;
  stop(): Promise<void>;
}

/** The real server on a free port over its own test database, with an admin bootstrapped. */
export async function startTestServer(
  opts: { dbUri?: string; port?: number; config?: Partial<Config>; clock?: Clock; monotonic?: Monotonic } = {},
): Promise<TestServer> {
  const dbUri = opts.dbUri ?? testDbUri(`t_${randomUUID().slice(0, 8)}`);
  const server = await startServer({
    mongoUri: dbUri,
    port: opts.port ?? 0,
    host: '127.0.0.1',
    clock: opts.clock,
    monotonic: opts.monotonic,
    config: {
      ADMIN_LOGIN_ID: ADMIN.loginId,
      ADMIN_PASSWORD: ADMIN.password,
      // Many sign-ins come from 127.0.0.1 in a test run.
      LOGIN_FAIL_LIMIT_PER_IP: 10_000,
      // scrypt at 2^12 instead of the production 2^17 (~0.7 s per hash here): the suite creates
      // hundreds of people. tests/integration/passwords.test.ts runs the real default.
      PASSWORD_HASH_LOG_N: TEST_PASSWORD_HASH_LOG_N,
      // Tests count the database commands a request issues (support/seed.ts countCommands).
      DB_COMMAND_MONITORING: true,
      ...opts.config,
    },
  });
  const sockets: ClientSocket[] = [];
  return {
    server,
    url: server.url,
    dbUri,
    api: new Api(server.url),
    async connect(who) {
      const socket = await connectSocket(server.url, who.token);
      sockets.push(socket);
      return socket;
    },
    async stop() {
      for (const socket of sockets) socket.close();
      await server.stop();
    },
  };
}

export { inject };
