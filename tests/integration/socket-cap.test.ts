import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { connectSocket, type ClientSocket } from '../support/sockets.js';

let t: TestServer;
let alice: SignedIn;
let bob: SignedIn;
const open: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ config: { MAX_SOCKETS_PER_USER: 20 } });
  const team = await createTeam(t.url, 2);
  [alice, bob] = [team.people[0]!, team.people[1]!];
});
afterAll(async () => {
  for (const s of open) s.close();
  await t.stop();
});

describe('sockets per person', () => {
  it('refuses a 21st socket of one person with rate_limited, while others still connect', async () => {
    for (let i = 0; i < 20; i++) open.push(await connectSocket(t.url, alice.token));
    await expect(connectSocket(t.url, alice.token)).rejects.toThrow('rate_limited');
    const bobs = await connectSocket(t.url, bob.token);
    open.push(bobs);
    expect(bobs.connected).toBe(true);
  });

  it('lets the person in again once one of their sockets has closed', async () => {
    open.shift()!.close();
    // The server notices the close asynchronously: try until it has (refusals meanwhile are the cap working).
    for (let attempt = 0; ; attempt++) {
      try {
        open.push(await connectSocket(t.url, alice.token));
        break;
      } catch (err) {
        expect((err as Error).message).toBe('rate_limited');
        if (attempt > 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
});
