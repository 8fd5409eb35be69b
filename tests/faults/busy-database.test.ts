import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { startStandinProcess, type StandinProcess } from './standin-process.js';

// A database that is busy is not a database that is down. With hundreds of slow queries queued
// (the morning's connect storm, a reconnect storm) the database is still answering, so nobody may
// be told `unavailable` and no query may be cut off: neither by our health watcher nor by the
// driver's own server monitor (whose `hello` timing out interrupts every operation in flight).
// Production runs without the driver's command events (DB_COMMAND_MONITORING off), so this does too.

let standin: StandinProcess;
let t: TestServer;

beforeAll(async () => {
  standin = await startStandinProcess();
  t = await startTestServer({ dbUri: standin.uri('busy'), config: { DB_COMMAND_MONITORING: false } });
  const docs = Array.from({ length: 30_000 }, (_, i) => ({ n: i, text: `行 ${i} の本文 ${'あ'.repeat(i % 40)}` }));
  await t.server.services.conn.db!.collection('busywork').insertMany(docs);
});
afterAll(async () => {
  await t?.stop();
  await standin?.stop();
});

describe('a busy database', () => {
  it('stays "up", and answers every query, while a queue of slow queries takes seconds to work through', async () => {
    const { dbHealth, conn } = t.server.services;
    const busywork = conn.db!.collection('busywork');
    const downs: string[] = [];
    const watch = setInterval(() => {
      if (!dbHealth.up) downs.push(JSON.stringify(dbHealth.current));
    }, 20);
    try {
      const started = performance.now();
      // Unindexed regex scans of 30,000 documents, 250 of them: the pool (100 connections) keeps
      // the database's queue full for several seconds, while each query is answered in turn.
      const flood = Array.from({ length: 250 }, (_, i) => busywork.countDocuments({ text: { $regex: `本文 ${i % 7}x` } }));
      // Every one of them is answered (none interrupted by a monitor giving up) …
      const counts = await Promise.all(flood);
      expect(counts.every((n) => typeof n === 'number')).toBe(true);
      console.log(`[faults] busy database: 250 slow queries answered in ${Math.round(performance.now() - started)} ms`);
      // … the database was never called down meanwhile, and a request afterwards is served.
      expect(downs).toEqual([]);
      expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    } finally {
      clearInterval(watch);
    }
  });
});
