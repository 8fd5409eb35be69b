/**
 * `npm run demo`: the server over an in-memory database, with a demo organisation seeded.
 *
 * THIS IS NOT PRODUCTION. The database is the in-repo MongoDB wire-protocol stand-in from the
 * tests (tests/support/mongo-standin), run in this process: a test fixture that keeps everything
 * in memory, so all data is lost on exit. The product itself never depends on it (`npm start`
 * uses MONGODB_URI or an embedded mongod; see DESIGN.md). It is used here only so the demo runs
 * anywhere, offline, with nothing to install.
 *
 * Configuration comes from the environment as for `npm start` (PORT, TELEWORK_CAPACITY, …),
 * except that MONGODB_URI is ignored: the demo never touches a real database.
 */
import { startStandin, type RunningStandin } from '../../tests/support/mongo-standin/index.js';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';
import { seedDemo, type DemoSummary } from './seed.js';

const DEMO_DB = 'demo';

/** The stand-in's URI with the demo database name, keeping its query string. */
function withDbName(uri: string, db: string): string {
  const match = /^(mongodb:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  return `${match[1]}/${db}${match[2] ?? ''}`;
}

function banner(port: number, summary: DemoSummary): string {
  const url = `http://localhost:${port}/`;
  const roleLabel = { admin: '管理者 admin', supervisor: '管理職 supervisor', staff: '職員 staff' } as const;
  const width = Math.max(...summary.signIns.map((s) => s.loginId.length));
  const lines = [
    '',
    '════════════════════════════════════════════════════════════════════════',
    ' デモモード (demo mode)',
    ' データはメモリ上のみで、終了すると消えます (nothing is kept; all data is lost on exit)',
    ' 本番用ではありません (not for production)',
    '════════════════════════════════════════════════════════════════════════',
    ` URL: ${url}`,
    '',
    ` デモ用アカウント (demo sign-ins) — パスワード (password): ${summary.password}`,
    ...summary.signIns.map(
      (s) =>
        `   ${s.loginId.padEnd(width)}  ${s.name}（${s.department}${s.title ? ` ${s.title}` : ''}）  ${roleLabel[s.role]}`,
    ),
  ];
  if (!summary.adminCreated) {
    lines.push('   ※ 管理者は既存のアカウントです (an admin already existed: sign in with ADMIN_LOGIN_ID / ADMIN_PASSWORD)');
  }
  lines.push(
    '',
    ` 部署 ${summary.departments.length + 1} 件・職員 ${summary.users.length} 名・会話 ${summary.conversations.length} 件`,
    ` (${summary.departments.length + 1} departments, ${summary.users.length} people, ${summary.conversations.length} conversations;`,
    `  every demo account uses the password above)`,
    ' 終了するには Ctrl+C (press Ctrl+C to stop)',
    '════════════════════════════════════════════════════════════════════════',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { MONGODB_URI: _ignored, ...config } = loadConfig();
  if (_ignored) console.warn('[demo] MONGODB_URI is ignored in demo mode (デモモードでは MONGODB_URI を使いません)');

  let standin: RunningStandin | undefined;
  let server: RunningServer | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await server?.stop();
      await standin?.stop();
    } catch (err) {
      console.error(`[demo] error while stopping: ${(err as Error).message}`);
      code = code || 1;
    }
    process.exit(code);
  };
  process.once('SIGINT', () => {
    console.log('\n[demo] 停止します (stopping); デモのデータは破棄されます (demo data discarded)');
    void shutdown(0);
  });
  process.once('SIGTERM', () => void shutdown(0));

  try {
    standin = await startStandin();
    server = await startServer({ mongoUri: withDbName(standin.uri, DEMO_DB), port: config.PORT, config });
    const summary = await seedDemo(server.services);
    console.log(banner(server.port, summary));
  } catch (err) {
    console.error(`[demo] failed to start: ${(err as Error).message}`);
    await shutdown(1);
  }
}

main().catch((err: Error) => {
  // Only configuration errors get here; nothing has been started yet.
  console.error(`[demo] ${err.message}`);
  process.exit(1);
});
