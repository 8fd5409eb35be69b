import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transferSchema, type Transfer } from '../../shared/schemas/transfers.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The office's clock: 2027-03-31 09:00 in Tokyo, the day before the April rotation.
const clocks = { now: new Date('2027-03-31T09:00:00+09:00').getTime() };
let t: TestServer;
let admin: SignedIn;

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date(clocks.now), config: { TRANSFER_SWEEP_S: 1 } });
  admin = await loginAdmin(t.url);
});
afterAll(() => t.stop());

async function departmentOf(who: SignedIn): Promise<string> {
  const res = await admin.api.get(`/api/admin/users?q=${who.user.loginId}`);
  return res.body.users[0].departmentId;
}

/** Waits for the once-a-second sweep to have moved `who` (or fails by the test's own timeout). */
async function waitForDepartment(who: SignedIn, departmentId: string): Promise<void> {
  while ((await departmentOf(who)) !== departmentId) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function transfers(state?: string): Promise<Transfer[]> {
  const res = await admin.api.get(`/api/admin/transfers${state ? `?state=${state}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.transfers.map((x: unknown) => transferSchema.parse(x));
}

describe('人事異動 on their effective date', () => {
  let kikaku: { id: string };
  let zaisei: { id: string };
  let mover: SignedIn;
  let stayer: SignedIn;
  let chief: SignedIn;

  beforeAll(async () => {
    kikaku = await createDepartment(admin, '企画課');
    zaisei = await createDepartment(admin, '財政課');
    mover = await createUser(admin, kikaku.id, { name: '異動 太郎' });
    stayer = await createUser(admin, kikaku.id, { name: '残留 花子' });
    chief = await createUser(admin, zaisei.id, { role: 'supervisor' });
  });

  it('schedules moves for many people at once, and nothing moves before the date', async () => {
    const res = await admin.api.post('/api/admin/transfers', {
      effectiveDate: '2027-04-01',
      note: '令和9年度 定期異動',
      moves: [
        { userId: mover.user.id, departmentId: zaisei.id },
        { userId: stayer.user.id, departmentId: zaisei.id },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.transfers).toHaveLength(2);
    expect(res.body.transfers[0]).toMatchObject({ state: 'pending', fromDepartmentId: kikaku.id, toDepartmentId: zaisei.id, effectiveDate: '2027-04-01' });
    // Cancel one: that person stays.
    const stayerTransfer = res.body.transfers.find((x: Transfer) => x.userId === stayer.user.id);
    expect((await admin.api.delete(`/api/admin/transfers/${stayerTransfer.id}`)).status).toBe(204);
    expect((await admin.api.delete(`/api/admin/transfers/${stayerTransfer.id}`)).status).toBe(409);
    // 23:59 on the 31st, Tokyo: still before.
    clocks.now = new Date('2027-03-31T23:59:00+09:00').getTime();
    await t.server.services.transfers.sweep();
    expect(await departmentOf(mover)).toBe(kikaku.id);
  });

  it('on the date (00:00 Tokyo) the person moves, with their department channel and supervisor visibility', async () => {
    // Midnight in Tokyo is 15:00 UTC the day before: the day boundary is Tokyo's.
    clocks.now = new Date('2027-03-31T15:00:30Z').getTime();
    await waitForDepartment(mover, zaisei.id);
    expect(await departmentOf(stayer)).toBe(kikaku.id);
    const [applied] = await transfers('applied');
    expect(applied).toMatchObject({ userId: mover.user.id, state: 'applied' });
    // The supervisor of 財政課 now sees them on the board.
    const board = await chief.api.get(`/api/presence/overview?departmentId=${zaisei.id}`);
    expect(board.body.members.map((m: { user: { id: string } }) => m.user.id)).toContain(mover.user.id);
    // Their department channel is the new department's.
    const channels = (await mover.api.get('/api/channels')).body.channels as { departmentChannel?: boolean; departmentId?: string; member: boolean }[];
    const own = channels.filter((c) => c.departmentChannel && c.member).map((c) => c.departmentId);
    expect(own).toEqual([zaisei.id]);
  });

  it('a move due today applies at once, and the latest plan for a person stands', async () => {
    const a = await createDepartment(admin, '甲課');
    const b = await createDepartment(admin, '乙課');
    const p = await createUser(admin, a.id);
    await admin.api.post('/api/admin/transfers', { effectiveDate: '2027-05-01', moves: [{ userId: p.user.id, departmentId: b.id }] });
    const res = await admin.api.post('/api/admin/transfers', { effectiveDate: '2027-04-01', moves: [{ userId: p.user.id, departmentId: b.id }] });
    expect(res.status).toBe(201);
    expect(await departmentOf(p)).toBe(b.id);
    const mine = (await transfers()).filter((x) => x.userId === p.user.id);
    expect(mine.map((x) => x.state).sort()).toEqual(['applied', 'cancelled']);
  });

  it('refuses a past date, unknown people or departments, duplicates and non-admins, changing nothing', async () => {
    const before = (await transfers()).length;
    const bad = [
      { effectiveDate: '2027-03-01', moves: [{ userId: mover.user.id, departmentId: kikaku.id }] },
      { effectiveDate: '2027-04-02', moves: [{ userId: '0123456789abcdef01234567', departmentId: kikaku.id }] },
      { effectiveDate: '2027-04-02', moves: [{ userId: mover.user.id, departmentId: '0123456789abcdef01234567' }] },
      { effectiveDate: '2027-04-02', moves: [{ userId: mover.user.id, departmentId: kikaku.id }, { userId: mover.user.id, departmentId: zaisei.id }] },
      { effectiveDate: '4月1日', moves: [{ userId: mover.user.id, departmentId: kikaku.id }] },
    ];
    const statuses = [];
    for (const body of bad) statuses.push((await admin.api.post('/api/admin/transfers', body)).status);
    expect(statuses).toEqual([400, 404, 404, 400, 400]);
    expect((await chief.api.post('/api/admin/transfers', { effectiveDate: '2027-04-02', moves: [{ userId: mover.user.id, departmentId: kikaku.id }] })).status).toBe(403);
    expect((await transfers()).length).toBe(before);
    const log = (await admin.api.get('/api/admin/audit?action=transfer.schedule')).body.entries;
    expect(log[log.length - 1].summary).toContain('令和9年度 定期異動');
  });
});
