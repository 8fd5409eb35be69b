/**
 * The server as its own process, for tests that kill it (SIGKILL mid-send) or run two processes
 * over one database. Prints `ready <port>` once listening.
 */
import { startServer } from '../../server/server.js';

// The wall clock, moved by what the test says over the IPC channel (child-server.ts setClockOffset):
// tests of things that happen at a time (a meeting's end) move it instead of waiting.
// TEST_SERVER_CLOCK_OFFSET_MS: where it starts (a test of what a start reads, a long outage).
let clockOffsetMs = Number(process.env.TEST_SERVER_CLOCK_OFFSET_MS ?? 0);
const settableClock = process.env.TEST_SERVER_SETTABLE_CLOCK === '1';
if (settableClock) {
  process.on('message', (m: { clockOffsetMs?: number }) => {
    if (typeof m?.clockOffsetMs !== 'number') return;
    clockOffsetMs = m.clockOffsetMs;
    process.send?.({ clockSet: clockOffsetMs });
  });
}

const server = await startServer({
  mongoUri: process.env.TEST_SERVER_MONGO_URI!,
  port: Number(process.env.TEST_SERVER_PORT ?? 0),
  host: '127.0.0.1',
  config: JSON.parse(process.env.TEST_SERVER_CONFIG ?? '{}'),
  ...(settableClock ? { clock: () => new Date(Date.now() + clockOffsetMs) } : {}),
});
console.log(`ready ${server.port}`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
