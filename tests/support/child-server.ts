import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../server/config.js';
import { ADMIN, TEST_PASSWORD_HASH_LOG_N } from './server.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server-process.ts');

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL: the process dies wherever it is, as in a crash. */
  kill(): Promise<void>;
  /** Sets the process's wall clock to real time plus `ms`; resolves once it has (started with `settableClock`). */
  setClockOffset(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the real server in a separate Node process over the given database. */
export function startChildServer(
  dbUri: string,
  config: Partial<Config> = {},
  port = 0,
  opts: { settableClock?: boolean; /** The wall clock from the start: real time plus this (implies settableClock). */ clockOffsetMs?: number } = {},
): Promise<ChildServer> {
  if (opts.clockOffsetMs !== undefined) opts = { ...opts, settableClock: true };
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      TEST_SERVER_MONGO_URI: dbUri,
      TEST_SERVER_PORT: String(port),
      ...(opts.settableClock ? { TEST_SERVER_SETTABLE_CLOCK: '1' } : {}),
      ...(opts.clockOffsetMs !== undefined ? { TEST_SERVER_CLOCK_OFFSET_MS: String(opts.clockOffsetMs) } : {}),
      TEST_SERVER_CONFIG: JSON.stringify({ ADMIN_LOGIN_ID: ADMIN.loginId, ADMIN_PASSWORD: ADMIN.password, LOGIN_FAIL_LIMIT_PER_IP: 10_000, PASSWORD_HASH_LOG_N: TEST_PASSWORD_HASH_LOG_N, ...config }),
    },
    // An IPC channel only for a clock the test moves (setClockOffset).
    stdio: opts.settableClock ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) {
        const p = Number(m[1]);
        resolve({
          url: `http://127.0.0.1:${p}`,
          port: p,
          process: child,
          setClockOffset: (ms: number) =>
            new Promise<void>((done) => {
              const onMessage = (m: { clockSet?: number }) => {
                if (m?.clockSet !== ms) return;
                child.off('message', onMessage);
                done();
              };
              child.on('message', onMessage);
              if (!child.send) throw new Error('start the child server with {settableClock: true} to move its clock');
              child.send({ clockOffsetMs: ms });
            }),
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server process exited early (${code}): ${out}`)));
  });
}
