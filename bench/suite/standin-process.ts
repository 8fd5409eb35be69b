/**
 * The stand-in's own CLI (tests/support/mongo-standin/cli.ts) in a process that also exits when
 * the suite goes away (IPC channel closed), and tells the suite its URI.
 */
process.argv.push('--port', process.env.BENCH_STANDIN_PORT ?? '0');
const log = console.log;
console.log = (...args: unknown[]) => {
  log(...args);
  const m = /(mongodb:\/\/\S+)/.exec(String(args[0]));
  if (m) process.send?.({ type: 'ready', uri: m[1] });
};
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
await import('../../tests/support/mongo-standin/cli.js');
export {};
