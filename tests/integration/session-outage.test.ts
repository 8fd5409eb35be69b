import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, login, type SignedIn } from '../support/factories.js';
import { connectSocket, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startStoppableDatabase, type StoppableDatabase } from '../support/stoppable-database.js';

/**
 * A database outage signs nobody out (issue 8 item 2): a session that cannot be checked is
 * `unavailable`, never `unauthenticated`; one checked within the last 30 s is served from the
 * server's memory and keeps working; a logout still ends a cached session at once.
 */
describe('sessions while the database is down', () => {
  let db: StoppableDatabase;
  let t: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    db = await startStoppableDatabase();
    t = await startTestServer({ dbUri: db.uri('session_outage') });
    ({ people: [alice, bob, carol] } = await createTeam(t.url, 3) as { people: SignedIn[] });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.stop();
    await db?.close();
  });

  it('ends a cached session at once on logout: the token is refused and its socket closed', async () => {
    const session = await login(t.url, carol.user.loginId, carol.password);
    expect((await session.api.get('/api/me')).status).toBe(200);
    const socket = await connectSocket(t.url, session.token);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    expect((await session.api.post('/api/auth/logout')).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    const after = await session.api.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    await expect(connectSocket(t.url, session.token)).rejects.toThrow('unauthenticated');
  });

  it('answers an unchecked session "unavailable" (HTTP 503 and the socket handshake), while a cached one keeps working', async () => {
    // Alice has used the service a moment ago; Bob's token has not been checked since he signed in.
    expect((await alice.api.get('/api/me')).status).toBe(200);
    await db.stop();

    const bobMe = await bob.api.get('/api/me');
    expect(bobMe.status).toBe(503);
    expect(bobMe.body.error.code).toBe('unavailable');
    await expect(connectSocket(t.url, bob.token)).rejects.toThrow(/^unavailable$/);

    const aliceMe = await alice.api.get('/api/me');
    expect(aliceMe.status).toBe(200);
    expect(aliceMe.body.user.id).toBe(alice.user.id);
    const aliceSocket = await connectSocket(t.url, alice.token);
    sockets.push(aliceSocket);
    expect(aliceSocket.connected).toBe(true);
  });

  it('still ends a cached session on logout while the database is down: the token stops working here at once', async () => {
    // The database is still stopped (previous test): the logout cannot delete the session there,
    // and says so (503), but this server no longer accepts the token from its memory.
    const socket = sockets[0]!;
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const logout = await alice.api.post('/api/auth/logout');
    expect(logout.status).toBe(503);
    expect(await closed).toBe('io server disconnect');
    const me = await alice.api.get('/api/me');
    expect(me.status).toBe(503);
    expect(me.body.error.code).toBe('unavailable');
  });
});
