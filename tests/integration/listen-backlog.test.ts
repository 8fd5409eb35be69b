import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 7, reconnect storm: after a restart 3,000 clients come back within about a second while the
// server is busy with the first of them. Node's default listen backlog (511) let the kernel drop
// the rest; their TCP retries came 1, 3, 7 and 15 s later, so the last 4 % caught up at 15-16 s
// instead of with everybody else. The server now listens with LISTEN_BACKLOG (4,096 by default).
//
// How this is seen without any timing: the kernel counts every connection it drops because a
// listen queue was full (TcpExtListenOverflows in /proc/net/netstat). The test opens more
// connections than Node's default queue holds while the event loop cannot accept any (it holds
// the loop itself), and reads the counter before and after.

const ARRIVALS = 1_000;

function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const names = lines.find((l) => l.startsWith('TcpExt:'))!.split(/\s+/);
  const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]!.split(/\s+/);
  return Number(values[names.indexOf('ListenOverflows')]);
}

/** Opens `n` connections in one turn of the event loop and holds the loop while the kernel queues them. */
async function arriveAtOnce(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    sockets.push(s);
  }
  // Node issues each connect on the next tick; this resolves after them, still in the same turn.
  await new Promise((resolve) => process.nextTick(resolve));
  // Nobody accepts while this thread sleeps: a busy server, as in the first seconds after a restart.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  return sockets;
}

async function overflowsWhile(port: number): Promise<number> {
  const before = listenOverflows();
  const sockets = await arriveAtOnce(port, ARRIVALS);
  const after = listenOverflows();
  for (const s of sockets) s.destroy();
  return after - before;
}

let t: TestServer;
let plain: Server;

beforeAll(async () => {
  t = await startTestServer();
  // The control: a server that listens the way Node does unless told otherwise.
  plain = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => plain.close(resolve));
  await t.stop();
});

describe('a thousand connections arriving while the server is busy', () => {
  it('are all queued by the kernel for the server, none dropped (Node’s default queue drops hundreds)', async () => {
    expect(t.server.services.config.LISTEN_BACKLOG).toBe(4096);
    const ours = await overflowsWhile(t.server.port);
    const nodeDefault = await overflowsWhile((plain.address() as { port: number }).port);
    // The control shows the measure sees drops: past 511 queued, each arrival overflowed.
    expect(nodeDefault).toBeGreaterThan(0);
    expect(ours).toBe(0);
  });
});
