import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, type AuditEntry } from '../../shared/schemas/audit.js';
import { departmentSchema } from '../../shared/schemas/directory.js';
import { createDepartment, createUser, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let admin: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  admin = await loginAdmin(t.url);
});
afterAll(() => t.stop());

async function auditOf(targetId: string): Promise<AuditEntry[]> {
  const res = await admin.api.get(`/api/admin/audit?targetId=${targetId}`);
  expect(res.status).toBe(200);
  return auditPageSchema.parse(res.body).entries;
}

describe('departments an admin manages', () => {
  it('renames a department and moves it under another parent; everyone sees the new tree', async () => {
    const shimin = await createDepartment(admin, '市民部');
    const kosodate = await createDepartment(admin, '子育て課');
    const staff = await createUser(admin, kosodate.id);
    const res = await admin.api.patch(`/api/admin/departments/${kosodate.id}`, { name: 'こども家庭課', parentId: shimin.id });
    expect(res.status).toBe(200);
    expect(departmentSchema.parse(res.body)).toEqual({ id: kosodate.id, name: 'こども家庭課', parentId: shimin.id });
    const seen = (await staff.api.get('/api/departments')).body.find((d: { id: string }) => d.id === kosodate.id);
    expect(seen).toEqual({ id: kosodate.id, name: 'こども家庭課', parentId: shimin.id });
    // Back to the top level.
    const top = await admin.api.patch(`/api/admin/departments/${kosodate.id}`, { parentId: null });
    expect(top.body.parentId).toBeNull();
  });

  it('refuses a move under itself or below itself, and leaves the tree as it was', async () => {
    const bu = await createDepartment(admin, '建設部');
    const ka = await createDepartment(admin, '道路課', bu.id);
    const kakari = await createDepartment(admin, '維持係', ka.id);
    for (const parentId of [bu.id, kakari.id]) {
      const res = await admin.api.patch(`/api/admin/departments/${bu.id}`, { parentId });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    const list = (await admin.api.get('/api/departments')).body as { id: string; parentId: string | null }[];
    expect(list.find((d) => d.id === bu.id)!.parentId).toBeNull();
    expect((await admin.api.patch(`/api/admin/departments/${bu.id}`, {})).status).toBe(400);
    expect((await admin.api.patch(`/api/admin/departments/${bu.id}`, { parentId: '0123456789abcdef01234567' })).status).toBe(404);
  });

  it('retires a department only when nobody and no department is in it', async () => {
    const bu = await createDepartment(admin, '環境部');
    const ka = await createDepartment(admin, '清掃課', bu.id);
    const person = await createUser(admin, ka.id);
    const withChild = await admin.api.delete(`/api/admin/departments/${bu.id}`);
    expect(withChild.status).toBe(409);
    const withPeople = await admin.api.delete(`/api/admin/departments/${ka.id}`);
    expect(withPeople.status).toBe(409);
    expect(withPeople.body.error.message).toContain('1 people');
    // Move the person out, then both can go, child first.
    expect((await admin.api.patch(`/api/admin/users/${person.user.id}`, { departmentId: bu.id })).status).toBe(200);
    expect((await admin.api.patch(`/api/admin/users/${person.user.id}`, { departmentId: (await createDepartment(admin, '移動先')).id })).status).toBe(200);
    expect((await admin.api.delete(`/api/admin/departments/${ka.id}`)).status).toBe(204);
    expect((await admin.api.delete(`/api/admin/departments/${bu.id}`)).status).toBe(204);
    const ids = ((await admin.api.get('/api/departments')).body as { id: string }[]).map((d) => d.id);
    expect(ids).not.toContain(bu.id);
    expect(ids).not.toContain(ka.id);
  });

  it('lets only admins change departments', async () => {
    const dept = await createDepartment(admin, '会計課');
    const supervisor = await createUser(admin, dept.id, { role: 'supervisor' });
    expect((await supervisor.api.patch(`/api/admin/departments/${dept.id}`, { name: '乗っ取り課' })).status).toBe(403);
    expect((await supervisor.api.delete(`/api/admin/departments/${dept.id}`)).status).toBe(403);
    expect((await admin.api.get('/api/departments')).body.find((d: { id: string }) => d.id === dept.id).name).toBe('会計課');
  });
});

describe('the staff list an admin searches', () => {
  it('filters by role as well as department and paging', async () => {
    const dept = await createDepartment(admin, '役割課');
    await createUser(admin, dept.id, { role: 'supervisor', name: '課長 一' });
    await createUser(admin, dept.id);
    await createUser(admin, dept.id);
    const supervisors = await admin.api.get(`/api/admin/users?departmentId=${dept.id}&role=supervisor`);
    expect(supervisors.status).toBe(200);
    expect(supervisors.body.users.map((u: { name: string }) => u.name)).toEqual(['課長 一']);
    const staff = await admin.api.get(`/api/admin/users?departmentId=${dept.id}&role=staff`);
    expect(staff.body.total).toBe(2);
    expect((await admin.api.get('/api/admin/users?role=boss')).status).toBe(400);
  });
});

describe('the audit log', () => {
  it('records each administrative act with who, when, from where and what, newest first', async () => {
    const dept = await createDepartment(admin, '監査対象課');
    const person = await createUser(admin, dept.id, { name: '監査 太郎' });
    await admin.api.patch(`/api/admin/users/${person.user.id}`, { title: '主任', disabled: true });
    await admin.api.patch(`/api/admin/users/${person.user.id}`, { disabled: false });
    const reset = await admin.api.post(`/api/admin/users/${person.user.id}/password-reset`, {});
    expect(reset.status).toBe(200);

    const entries = await auditOf(person.user.id);
    expect(entries.map((e) => e.action)).toEqual(['user.password_reset', 'user.enable', 'user.update', 'user.disable', 'user.create']);
    for (const e of entries) {
      expect(e).toMatchObject({ actorId: admin.user.id, actorName: admin.user.name, targetType: 'user', targetId: person.user.id });
      expect(e.ip).toMatch(/127\.0\.0\.1/);
    }
    // The temporary password never reaches the log.
    expect(JSON.stringify(entries)).not.toContain(reset.body.temporaryPassword);
    expect((await auditOf(dept.id)).map((e) => e.action)).toEqual(['department.create']);
  });

  it('records a forced end of someone else\'s telework session', async () => {
    const dept = await createDepartment(admin, '在宅課');
    const person = await createUser(admin, dept.id);
    const session = (await person.api.post('/api/telework/sessions', {})).body;
    expect((await admin.api.post(`/api/telework/sessions/${session.id}/end`)).status).toBe(200);
    const [entry] = await auditOf(session.id);
    expect(entry).toMatchObject({ action: 'telework.force_end', targetType: 'telework_session', actorId: admin.user.id });
    expect(entry!.summary).toContain(person.user.id);
  });

  it('filters by action and pages, and exports CSV for Excel (BOM, Tokyo time), itself recorded', async () => {
    const created = await admin.api.get('/api/admin/audit?action=department.create');
    const page = auditPageSchema.parse(created.body);
    expect(page.total).toBeGreaterThan(0);
    expect(page.entries.every((e) => e.action === 'department.create')).toBe(true);
    expect(page.pageSize).toBe(50);

    const res = await fetch(`${t.url}/api/admin/audit?action=department.create`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/csv' } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('日時 (JST),操作,実行者,実行者ID,アドレス,対象種別,対象ID,内容');
    expect(lines).toHaveLength(page.total + 1);
    expect(lines.slice(1).every((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2},department\.create,/.test(l))).toBe(true);
    const exports = auditPageSchema.parse((await admin.api.get('/api/admin/audit?action=audit.export')).body);
    expect(exports.entries[0]).toMatchObject({ action: 'audit.export', actorId: admin.user.id });
  });

  it('is for admins only, and refuses a bad filter', async () => {
    const dept = await createDepartment(admin, '閲覧課');
    const supervisor = await createUser(admin, dept.id, { role: 'supervisor' });
    expect((await supervisor.api.get('/api/admin/audit')).status).toBe(403);
    expect((await admin.api.get('/api/admin/audit?action=everything')).status).toBe(400);
    expect((await admin.api.get('/api/admin/audit?from=yesterday')).status).toBe(400);
  });
});
