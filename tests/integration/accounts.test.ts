import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, createDepartment, createTeam, createUser, login, type SignedIn } from '../support/factories.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/sockets.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let admin: SignedIn;
let departmentId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t.url, 0);
  admin = team.admin;
  departmentId = team.department.id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.stop();
});

async function person(): Promise<SignedIn> {
  return createUser(admin, departmentId);
}

async function socketOf(who: SignedIn): Promise<ClientSocket> {
  const s = await connectSocket(t.url, who.token);
  sockets.push(s);
  return s;
}

const disconnected = (s: ClientSocket) => new Promise<void>((resolve) => (s.disconnected ? resolve() : s.once('disconnect', () => resolve())));

describe('disabling an account', () => {
  it('signs the person out everywhere at once, refuses their sign-in, and keeps their messages', async () => {
    const leaver = await person();
    const colleague = await person();
    const conv = await createConversation(leaver, 'dm', [colleague]);
    const socket = await socketOf(leaver);
    expect((await emitAck(socket, 'message:send', { conversationId: conv.id, clientMsgId: 'before-leaving', body: '引き継ぎ資料です' })).ok).toBe(true);

    const res = await admin.api.patch(`/api/admin/users/${leaver.user.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    await disconnected(socket);
    expect((await leaver.api.get('/api/me')).status).toBe(401);
    const again = await t.api.post('/api/auth/login', { loginId: leaver.user.loginId, password: leaver.password });
    expect(again.status).toBe(401);
    await expect(connectSocket(t.url, leaver.token)).rejects.toThrow('unauthenticated');

    const history = (await colleague.api.get(`/api/conversations/${conv.id}/messages`)).body.messages;
    expect(history.map((m: { body: string }) => m.body)).toEqual(['引き継ぎ資料です']);
  });

  it('lets an enabled account sign in again', async () => {
    const p = await person();
    await admin.api.patch(`/api/admin/users/${p.user.id}`, { disabled: true });
    const enabled = await admin.api.patch(`/api/admin/users/${p.user.id}`, { disabled: false });
    expect(enabled.body.disabled).toBeUndefined();
    expect((await login(t.url, p.user.loginId, p.password)).user.id).toBe(p.user.id);
  });

  it('does not let an admin disable themselves or give up their own admin role', async () => {
    for (const patch of [{ disabled: true }, { role: 'staff' }]) {
      const res = await admin.api.patch(`/api/admin/users/${admin.user.id}`, patch);
      expect(res.status).toBe(400);
    }
    expect((await admin.api.get('/api/me')).status).toBe(200);
  });
});

describe('password reset by an administrator', () => {
  it('gives a temporary password that must be changed before anything else, and ends the old sessions', async () => {
    const p = await person();
    const socket = await socketOf(p);
    const reset = await admin.api.post(`/api/admin/users/${p.user.id}/password-reset`, {});
    expect(reset.status).toBe(200);
    const temporary: string = reset.body.temporaryPassword;
    expect(temporary).toMatch(/^[A-Za-z2-9]{12}$/);
    await disconnected(socket);
    expect((await p.api.get('/api/me')).status).toBe(401);
    expect((await t.api.post('/api/auth/login', { loginId: p.user.loginId, password: p.password })).status).toBe(401);

    const signedIn = await login(t.url, p.user.loginId, temporary);
    expect(signedIn.user.mustChangePassword).toBe(true);
    expect((await signedIn.api.get('/api/me')).status).toBe(200);
    const blocked = await signedIn.api.get('/api/conversations');
    expect(blocked.status).toBe(403);
    await expect(connectSocket(t.url, signedIn.token)).rejects.toThrow('forbidden');

    const changed = await signedIn.api.post('/api/auth/password', { currentPassword: temporary, newPassword: 'a-new-and-long-passphrase' });
    expect(changed.status).toBe(204);
    expect((await signedIn.api.get('/api/conversations')).status).toBe(200);
    expect((await signedIn.api.get('/api/me')).body.user.mustChangePassword).toBeUndefined();
    expect((await login(t.url, p.user.loginId, 'a-new-and-long-passphrase')).user.mustChangePassword).toBeUndefined();
  });
});

describe('changing one\'s own password', () => {
  it('refuses a wrong current password and changes nothing', async () => {
    const p = await person();
    const res = await p.api.post('/api/auth/password', { currentPassword: 'not-my-password', newPassword: 'another-long-passphrase' });
    expect(res.status).toBe(403);
    expect((await login(t.url, p.user.loginId, p.password)).user.id).toBe(p.user.id);
  });

  it('refuses a new password that contains the login id', async () => {
    const p = await person();
    const res = await p.api.post('/api/auth/password', { currentPassword: p.password, newPassword: `x-${p.user.loginId}-x` });
    expect(res.status).toBe(400);
  });

  it('keeps the current session, ends the others, and takes the new password from then on', async () => {
    const p = await person();
    const other = await login(t.url, p.user.loginId, p.password);
    const otherSocket = await socketOf(other);
    const res = await p.api.post('/api/auth/password', { currentPassword: p.password, newPassword: 'fresh-long-passphrase-9' });
    expect(res.status).toBe(204);
    await disconnected(otherSocket);
    expect((await other.api.get('/api/me')).status).toBe(401);
    expect((await p.api.get('/api/me')).status).toBe(200);
    expect((await t.api.post('/api/auth/login', { loginId: p.user.loginId, password: p.password })).status).toBe(401);
    expect((await login(t.url, p.user.loginId, 'fresh-long-passphrase-9')).user.id).toBe(p.user.id);
  });
});

describe('one\'s own sessions', () => {
  it('lists them with the current one marked, and ends another one at once', async () => {
    const p = await person();
    const other = await login(t.url, p.user.loginId, p.password);
    const otherSocket = await socketOf(other);
    const list = (await p.api.get('/api/auth/sessions')).body as { id: string; current: boolean }[];
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const target = list.find((s) => !s.current)!;
    expect((await p.api.delete(`/api/auth/sessions/${target.id}`)).status).toBe(204);
    await disconnected(otherSocket);
    expect((await other.api.get('/api/me')).status).toBe(401);
    expect((await p.api.get('/api/me')).status).toBe(200);
  });

  it("cannot end someone else's session (404, and it keeps working)", async () => {
    const p = await person();
    const q = await person();
    const theirs = ((await q.api.get('/api/auth/sessions')).body as { id: string }[])[0]!;
    expect((await p.api.delete(`/api/auth/sessions/${theirs.id}`)).status).toBe(404);
    expect((await q.api.get('/api/me')).status).toBe(200);
  });

  it('an administrator can sign a person out everywhere', async () => {
    const p = await person();
    const second = await login(t.url, p.user.loginId, p.password);
    expect((await admin.api.delete(`/api/admin/users/${p.user.id}/sessions`)).status).toBe(204);
    expect((await p.api.get('/api/me')).status).toBe(401);
    expect((await second.api.get('/api/me')).status).toBe(401);
  });
});

describe('the administrators\' staff list and edits', () => {
  it('pages, searches and filters by department and by disabled', async () => {
    const dept = await createDepartment(admin, '文書課');
    const people = [] as SignedIn[];
    for (let i = 0; i < 5; i++) people.push(await createUser(admin, dept.id, { name: `文書 ${i}` }));
    await admin.api.patch(`/api/admin/users/${people[4]!.user.id}`, { disabled: true });

    const page1 = (await admin.api.get(`/api/admin/users?departmentId=${dept.id}&pageSize=2&page=1`)).body;
    const page3 = (await admin.api.get(`/api/admin/users?departmentId=${dept.id}&pageSize=2&page=3`)).body;
    expect(page1).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.users).toHaveLength(2);
    expect(page3.users).toHaveLength(1);
    const disabled = (await admin.api.get(`/api/admin/users?departmentId=${dept.id}&disabled=true`)).body;
    expect(disabled.users.map((u: { id: string }) => u.id)).toEqual([people[4]!.user.id]);
    const enabled = (await admin.api.get(`/api/admin/users?departmentId=${dept.id}&disabled=false`)).body;
    expect(enabled.total).toBe(4);
    const found = (await admin.api.get(`/api/admin/users?q=${encodeURIComponent(people[2]!.user.loginId)}`)).body;
    expect(found.users.map((u: { id: string }) => u.id)).toEqual([people[2]!.user.id]);
  });

  it('edits name, kana, title, role and department, and the directory shows the change', async () => {
    const p = await person();
    const dept = await createDepartment(admin, '人事課');
    const res = await admin.api.patch(`/api/admin/users/${p.user.id}`, {
      name: '佐藤 花子',
      nameKana: 'さとう はなこ',
      title: '係長',
      role: 'supervisor',
      departmentId: dept.id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '佐藤 花子', nameKana: 'さとう はなこ', title: '係長', role: 'supervisor', departmentId: dept.id });
    const listed = (await p.api.get(`/api/users?q=${encodeURIComponent('サトウ')}`)).body;
    expect(listed.map((u: { id: string }) => u.id)).toContain(p.user.id);
    const cleared = await admin.api.patch(`/api/admin/users/${p.user.id}`, { title: '' });
    expect(cleared.body.title).toBeUndefined();
  });

  it('refuses bad edits and changes nothing', async () => {
    const p = await person();
    const cases: [string, unknown, number][] = [
      ['an unknown field', { loginId: 'x' }, 400],
      ['nothing to change', {}, 400],
      ['a kana reading in kanji', { nameKana: '漢字' }, 400],
      ['an unknown department', { departmentId: 'ffffffffffffffffffffffff' }, 404],
    ];
    for (const [, body, status] of cases) {
      expect((await admin.api.patch(`/api/admin/users/${p.user.id}`, body)).status).toBe(status);
    }
    expect((await admin.api.patch('/api/admin/users/ffffffffffffffffffffffff', { name: '誰か' })).status).toBe(404);
    const me = (await p.api.get('/api/me')).body.user;
    expect(me).toEqual(p.user);
  });

  it('is for administrators only', async () => {
    const p = await person();
    expect((await p.api.get('/api/admin/users')).status).toBe(403);
    expect((await p.api.patch(`/api/admin/users/${p.user.id}`, { role: 'admin' })).status).toBe(403);
    expect((await p.api.post(`/api/admin/users/${p.user.id}/password-reset`, {})).status).toBe(403);
    expect((await p.api.delete(`/api/admin/users/${p.user.id}/sessions`)).status).toBe(403);
    expect((await p.api.get('/api/me')).body.user.role).toBe('staff');
  });
});

describe('sessions per person', () => {
  it('keeps at most MAX_SESSIONS_PER_USER: a new sign-in ends the oldest, and its socket closes', async () => {
    const capped = await startTestServer({ config: { MAX_SESSIONS_PER_USER: 3 } });
    try {
      const team = await createTeam(capped.url, 1);
      const p = team.people[0]!;
      const oldestSocket = await capped.connect(p);
      const more = [] as SignedIn[];
      for (let i = 0; i < 3; i++) more.push(await login(capped.url, p.user.loginId, p.password));
      await disconnected(oldestSocket);
      expect((await p.api.get('/api/me')).status).toBe(401);
      for (const s of more) expect((await s.api.get('/api/me')).status).toBe(200);
      expect((await more[2]!.api.get('/api/auth/sessions')).body).toHaveLength(3);
    } finally {
      await capped.stop();
    }
  });
});
