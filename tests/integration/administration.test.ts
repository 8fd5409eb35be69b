import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentSchema, userWithPresenceSchema } from '../../shared/schemas/directory.js';
import { userSchema } from '../../shared/schemas/auth.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let admin: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  admin = await loginAdmin(t.url);
});
afterAll(() => t.stop());

describe('administration', () => {
  it('bootstraps the admin from ADMIN_LOGIN_ID and ADMIN_PASSWORD', () => {
    expect(admin.user.role).toBe('admin');
  });

  it('creates departments in a hierarchy and lists them to any user', async () => {
    const top = await createDepartment(admin, '総務部');
    const child = await createDepartment(admin, '人事課', top.id);
    expect(departmentSchema.parse(child).parentId).toBe(top.id);
    const staff = await createUser(admin, child.id);
    const list = await staff.api.get('/api/departments');
    expect(list.status).toBe(200);
    expect(list.body.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([top.id, child.id]));
  });

  it('refuses a taken login id or staff number with 409 and keeps the first user', async () => {
    const dept = await createDepartment(admin, '税務課');
    const first = await createUser(admin, dept.id, { loginId: 'tanaka', staffNo: 'A-100' });
    const body = { password: 'long-enough-pw', name: '別人', nameKana: 'べつじん', departmentId: dept.id, role: 'staff' };
    const sameLogin = await admin.api.post('/api/admin/users', { ...body, loginId: 'tanaka', staffNo: 'A-101' });
    expect(sameLogin.status).toBe(409);
    expect(sameLogin.body.error.code).toBe('conflict');
    const sameStaffNo = await admin.api.post('/api/admin/users', { ...body, loginId: 'other', staffNo: 'A-100' });
    expect(sameStaffNo.status).toBe(409);
    const me = await first.api.get('/api/me');
    expect(me.body.user.name).toBe(first.user.name);
  });

  it('lets only admins administer', async () => {
    const dept = await createDepartment(admin, '財政課');
    const staff = await createUser(admin, dept.id);
    const supervisor = await createUser(admin, dept.id, { role: 'supervisor' });
    for (const who of [staff, supervisor]) {
      expect((await who.api.post('/api/admin/departments', { name: '勝手な課' })).status).toBe(403);
      const res = await who.api.post('/api/admin/users', {
        loginId: 'sneaky', password: 'long-enough-pw', staffNo: 'X1', name: '侵入者', nameKana: 'しんにゅうしゃ', departmentId: dept.id, role: 'admin',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const names = (await admin.api.get('/api/departments')).body.map((d: { name: string }) => d.name);
    expect(names).not.toContain('勝手な課');
    expect((await admin.api.get('/api/users?q=sneaky')).body).toEqual([]);
  });

  it('refuses a user in an unknown department and a kana reading that is not kana', async () => {
    const dept = await createDepartment(admin, '企画課');
    const base = { loginId: 'newperson', password: 'long-enough-pw', staffNo: 'N1', name: '新人', nameKana: 'しんじん', role: 'staff' };
    const unknown = await admin.api.post('/api/admin/users', { ...base, departmentId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(unknown.status).toBe(404);
    const notKana = await admin.api.post('/api/admin/users', { ...base, departmentId: dept.id, nameKana: 'Shinjin' });
    expect(notKana.status).toBe(400);
    expect((await admin.api.get('/api/users?q=newperson')).body).toEqual([]);
  });
});

describe('the directory', () => {
  it('finds people by name, kana in either script, login id and staff number, sorted by reading', async () => {
    const dept = await createDepartment(admin, '市民課');
    const yamada = await createUser(admin, dept.id, { name: '山田 太郎', nameKana: 'やまだ たろう', loginId: 'yamada.t', staffNo: 'K-2001' });
    const ando = await createUser(admin, dept.id, { name: '安藤 花子', nameKana: 'あんどう はなこ', loginId: 'ando.h', staffNo: 'K-2002' });
    const ids = async (q: string) =>
      (await ando.api.get(`/api/users?q=${encodeURIComponent(q)}`)).body.map((u: { id: string }) => u.id);
    expect(await ids('山田')).toEqual([yamada.user.id]);
    expect(await ids('ヤマダ')).toEqual([yamada.user.id]);
    expect(await ids('ﾔﾏﾀﾞ')).toEqual([yamada.user.id]);
    expect(await ids('YAMADA.T')).toEqual([yamada.user.id]);
    expect(await ids('K-2002')).toEqual([ando.user.id]);
    expect(await ids('.*')).toEqual([]);

    const inDept = await ando.api.get(`/api/users?departmentId=${dept.id}`);
    expect(inDept.status).toBe(200);
    const people = inDept.body.map((u: unknown) => userWithPresenceSchema.parse(u));
    expect(people.map((u: { id: string }) => u.id)).toEqual([ando.user.id, yamada.user.id]);
    expect(people.every((u: unknown) => !('passwordHash' in (u as object)))).toBe(true);
    userSchema.parse(people[0]);
  });

  it('refuses unknown query parameters and bad ids', async () => {
    expect((await admin.api.get('/api/users?departmentId=xyz')).status).toBe(400);
    expect((await admin.api.get('/api/users?role=admin')).status).toBe(400);
    expect((await admin.api.get('/api/users?departmentId=aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });
});
