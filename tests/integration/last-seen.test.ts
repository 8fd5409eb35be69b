import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewSchema } from '../../shared/schemas/telework.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settle } from '../support/sockets.js';

let t: TestServer;
let chief: SignedIn;
let staff: SignedIn;
let never: SignedIn;
let dept: { id: string };

beforeAll(async () => {
  // No grace and no coalescing delay: a closed connection is offline at the next push.
  t = await startTestServer({ config: { PRESENCE_GRACE_S: 0, PRESENCE_COALESCE_MS: 0 } });
  const admin = await loginAdmin(t.url);
  dept = await createDepartment(admin, '最終接続課');
  chief = await createUser(admin, dept.id, { role: 'supervisor' });
  staff = await createUser(admin, dept.id);
  never = await createUser(admin, dept.id);
});
afterAll(() => t.stop());

async function member(userId: string) {
  const res = await chief.api.get(`/api/presence/overview?departmentId=${dept.id}`);
  return overviewSchema.parse(res.body).members.find((m) => m.user.id === userId)!;
}

describe('the board shows when an offline person was last connected', () => {
  it('after their last connection closes, with the time it closed; never for someone connected or never seen', async () => {
    const socket = await t.connect(staff);
    await settle(socket);
    expect((await member(staff.user.id)).presence).toMatchObject({ state: 'in_office' });
    expect((await member(staff.user.id)).presence.lastSeenAt).toBeUndefined();
    const before = Date.now();
    socket.close();
    let presence = (await member(staff.user.id)).presence;
    while (presence.state !== 'offline' || !presence.lastSeenAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      presence = (await member(staff.user.id)).presence;
    }
    const seen = Date.parse(presence.lastSeenAt);
    expect(seen).toBeGreaterThanOrEqual(before - 1000);
    expect(seen).toBeLessThanOrEqual(Date.now());
    expect((await member(never.user.id)).presence.lastSeenAt).toBeUndefined();
    // Back again: connected people show no last-seen time.
    const again = await t.connect(staff);
    await settle(again);
    while ((await member(staff.user.id)).presence.state === 'offline') await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await member(staff.user.id)).presence.lastSeenAt).toBeUndefined();
  });
});
