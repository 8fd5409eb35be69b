import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createTeam, login, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { connectSocket, type ClientSocket } from '../support/sockets.js';
import { restoreDatabase, snapshotDatabase, startStandinProcess, type StandinProcess } from './standin-process.js';

// Every answer must come before the client's own timeout; how fast it came is printed
// (`[faults] …`) for the README's figures, never asserted (the machine is shared).
const CLIENT_TIMEOUT_MS = 5_000;

let standin: StandinProcess;
let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let conversationId: string;
let aliceSocket: ClientSocket;
const dbName = 'faults';

beforeAll(async () => {
  standin = await startStandinProcess();
  t = await startTestServer({ dbUri: standin.uri(dbName) });
  const team = await createTeam(t.url, 2);
  [alice, bob] = [team.people[0]!, team.people[1]!];
  conversationId = (await createConversation(alice, 'dm', [bob])).id;
  aliceSocket = await connectSocket(t.url, alice.token, { reconnection: true });
});
afterAll(async () => {
  aliceSocket?.close();
  await t?.stop();
  await standin?.stop();
});

/** Resolves with the value and how long it took, or rejects after the client's timeout. */
async function timed<T>(label: string, work: Promise<T>): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within the client's ${CLIENT_TIMEOUT_MS} ms`)), CLIENT_TIMEOUT_MS);
  });
  try {
    const value = await Promise.race([work, timeout]);
    console.log(`[faults] ${label}: answered in ${Math.round(performance.now() - started)} ms`);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

function send(socket: ClientSocket, clientMsgId: string, body: string): Promise<any> {
  return (socket as any).timeout(CLIENT_TIMEOUT_MS).emitWithAck('message:send', { conversationId, clientMsgId, body });
}

/** A new socket's handshake: `connected`, or the connect_error message. */
function handshake(token: string): Promise<string> {
  return connectSocket(t.url, token).then(
    (s) => {
      s.close();
      return 'connected';
    },
    (err: Error) => err.message,
  );
}

async function health(): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/api/health`);
  return { status: res.status, body: await res.json() };
}

/** Polls /api/health until `predicate` holds (the watcher's state is what is being waited for). */
async function healthUntil(predicate: (h: { status: number; body: any }) => boolean, what: string, limitMs = 30_000) {
  const started = performance.now();
  for (;;) {
    const h = await health();
    if (predicate(h)) {
      console.log(`[faults] health ${what} after ${Math.round(performance.now() - started)} ms`);
      return h;
    }
    if (performance.now() - started > limitMs) throw new Error(`health never became ${what}: ${JSON.stringify(h)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The requests and events of an ordinary moment, all at once, as the outage begins. */
/**
 * `token` for the handshake should be one the server has not checked lately: a session checked in
 * the last SESSION_CACHE_TTL_S is served from memory and lets the handshake through (by design).
 */
async function everythingAtOnce(tag: string, token = bob.token) {
  const [list, ack, hs] = await Promise.all([
    timed(`${tag} GET /api/conversations`, alice.api.get('/api/conversations')),
    timed(`${tag} message:send`, send(aliceSocket, `${tag.replace(/\W+/g, '-')}-message-1`, `${tag} の間に送信`)),
    timed(`${tag} new socket handshake`, handshake(token)),
  ]);
  return { list, ack, hs };
}

async function allMessages(): Promise<Array<{ seq: number; clientMsgId: string }>> {
  const res = await alice.api.get(`/api/conversations/${conversationId}/messages?limit=200`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

describe('with the database dead', () => {
  it('answers every request, send and handshake `unavailable`, says why in /api/health, and recovers by itself', async () => {
    expect((await send(aliceSocket, 'before-death', '停止の前')).ok).toBe(true);
    const snapshot = await snapshotDatabase(standin.uri(dbName));
    const port = standin.port;
    await standin.kill();

    const { list, ack, hs } = await everythingAtOnce('dead');
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('unavailable');
    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(hs).toBe('unavailable');
    await healthUntil((h) => h.status === 503, 'down');
    // Why: unreachable — at once, or with the monitor's next refused heartbeat (a ping cut off as
    // the process died may be heard first) — and it stays so: a ping to a dead server times out on
    // server selection, which must not turn the reason into "not answering".
    const down = await healthUntil((h) => h.status === 503 && h.body.reason === 'unreachable', 'down, unreachable', 3_000);
    expect(down.body).toMatchObject({ db: 'down', reason: 'unreachable' });
    const reasons = new Set<string>();
    for (let i = 0; i < 30; i++) {
      reasons.add((await health()).body.reason);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...reasons]).toEqual(['unreachable']);
    // Known down: the next ones are answered without trying the database.
    const again = await everythingAtOnce('dead, known');
    expect(again.list.status).toBe(503);
    expect(again.ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(again.hs).toBe('unavailable');

    // A new database process on the same port (the stand-in keeps nothing: put the data back).
    standin = await startStandinProcess(port);
    await restoreDatabase(standin.uri(dbName), snapshot);
    await healthUntil((h) => h.status === 200, 'up again');
    expect((await alice.api.get('/api/conversations')).status).toBe(200);
    expect(await handshake(bob.token)).toBe('connected');
    const retried = await send(aliceSocket, 'dead-message-1', 'dead の間に送信');
    expect(retried.ok).toBe(true);
    expect((await allMessages()).map((m) => m.clientMsgId)).toEqual(['before-death', 'dead-message-1']);
  });
});

describe('with the database hung (stopped, not dead)', () => {
  it('answers `unavailable` while it hangs, and after it continues a retried send is stored once, with no gap in seq', async () => {
    const before = await allMessages();
    // Bob's session was checked a moment ago (cached); a fresh sign-in of his has not been.
    const unchecked = await login(t.url, bob.user.loginId, bob.password);
    standin.pause();
    let list, ack, hs;
    try {
      ({ list, ack, hs } = await everythingAtOnce('hung', unchecked.token));
      const down = await healthUntil((h) => h.status === 503, 'down');
      expect(down.body).toMatchObject({ db: 'down', reason: 'not answering' });
    } finally {
      standin.resume();
    }
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('unavailable');
    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(hs).toBe('unavailable');

    await healthUntil((h) => h.status === 200, 'up again');
    // The client retries what was not acknowledged, with the same clientMsgId.
    const retried = await send(aliceSocket, 'hung-message-1', 'hung の間に送信');
    expect(retried.ok).toBe(true);
    const after = await allMessages();
    expect(after.filter((m) => m.clientMsgId === 'hung-message-1')).toHaveLength(1);
    expect(after.map((m) => m.seq)).toEqual(after.map((_, i) => i + 1));
    expect(after.length).toBe(before.length + 1);
    expect((await alice.api.get('/api/conversations')).status).toBe(200);
    expect(await handshake(bob.token)).toBe('connected');
  });
});
