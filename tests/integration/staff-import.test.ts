import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffImportProgressEventSchema, staffImportResultSchema, type StaffImportResult } from '../../shared/schemas/staff-import.js';
import { createDepartment, createUser, login, loginAdmin, type SignedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let admin: SignedIn;

beforeAll(async () => {
  t = await startTestServer();
  admin = await loginAdmin(t.url);
});
afterAll(() => t.stop());

async function importFile(body: Buffer, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/api/admin/import/users?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}
const ok = (res: { status: number; body: unknown }): StaffImportResult => {
  expect(res.status).toBe(200);
  return staffImportResultSchema.parse(res.body);
};

// The personnel system writes Shift_JIS (cp932) with CRLF; row 4 has a bad kana reading, row 5 no login id.
const personnel = [
  '職員番号,ログインID,氏名,ふりがな,部署,役職,役割',
  'K-1001,takahashi,高橋 健,たかはし けん,市民部/市民課,主査,職員',
  'K-1002,ito,伊藤 美咲,いとう みさき,市民部/市民課,,管理職',
  'K-1003,watanabe,渡辺 翔,Watanabe Sho,市民部/保険年金課,,職員',
  'K-1004,,山本 花,やまもと はな,市民部/保険年金課,,職員',
  'K-1005,nakamura,中村 大輔,なかむら だいすけ,総務部/人事課,課長,管理職',
].join('\r\n');

describe('importing the staff file from the personnel system', () => {
  let dryRun: StaffImportResult;

  it('reads a Shift_JIS file, and a dry run shows per-row results with the bad rows named, writing nothing', async () => {
    dryRun = ok(await importFile(iconv.encode(personnel, 'cp932'), 'dryRun=true'));
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.encoding).toBe('shift_jis');
    expect(dryRun.rows.map((r) => [r.row, r.result])).toEqual([
      [2, 'new'],
      [3, 'new'],
      [4, 'error'],
      [5, 'error'],
      [6, 'new'],
    ]);
    expect(dryRun.rows[2]).toMatchObject({ staffNo: 'K-1003', column: 'ふりがな' });
    expect(dryRun.rows[2]!.message).toContain('4行目');
    expect(dryRun.rows[3]).toMatchObject({ column: 'ログインID' });
    expect(dryRun.newDepartments).toEqual(['市民部', '市民部/市民課', '総務部', '総務部/人事課']);
    // Nothing was written.
    expect((await admin.api.get('/api/admin/users?q=takahashi')).body.total).toBe(0);
    const names = (await admin.api.get('/api/departments')).body.map((d: { name: string }) => d.name);
    expect(names).not.toContain('市民課');
  });

  it('the real run writes the good rows, creates the department paths, and reports progress to the importing admin', async () => {
    const socket = await t.connect(admin);
    const progress: unknown[] = [];
    const finished = new Promise<void>((resolve) =>
      socket.on('import:progress', (e) => {
        const event = staffImportProgressEventSchema.parse(e);
        progress.push(event);
        if (event.done === event.total) resolve();
      }),
    );
    const real = ok(await importFile(iconv.encode(personnel, 'cp932'), 'dryRun=false'));
    expect(real.counts).toEqual({ new: 3, changed: 0, unchanged: 0, error: 2 });
    const found = (await admin.api.get('/api/admin/users?q=K-100')).body.users as { staffNo: string; name: string; role: string; title?: string; departmentId: string }[];
    expect(found.map((u) => [u.staffNo, u.name, u.role, u.title ?? ''])).toEqual([
      ['K-1001', '高橋 健', 'staff', '主査'],
      ['K-1002', '伊藤 美咲', 'supervisor', ''],
      ['K-1005', '中村 大輔', 'supervisor', '課長'],
    ]);
    const departments = (await admin.api.get('/api/departments')).body as { id: string; name: string; parentId: string | null }[];
    const shimin = departments.find((d) => d.name === '市民部')!;
    const shiminka = departments.find((d) => d.name === '市民課')!;
    expect(shiminka.parentId).toBe(shimin.id);
    expect(found[0]!.departmentId).toBe(shiminka.id);
    await finished;
    expect(progress.at(-1)).toEqual({ done: 3, total: 3 });
    // Imported people have no password until an admin issues a temporary one: not even the placeholder works.
    expect((await t.api.post('/api/auth/login', { loginId: 'takahashi', password: '!imported: no password yet' })).status).toBe(401);
    const reset = await admin.api.post(`/api/admin/users/${(found[0] as unknown as { id: string }).id}/password-reset`, {});
    const signedIn = await login(t.url, 'takahashi', reset.body.temporaryPassword);
    expect(signedIn.user.mustChangePassword).toBe(true);
  });

  it('is idempotent by staff number: the same file again changes nothing', async () => {
    const again = ok(await importFile(iconv.encode(personnel, 'cp932'), 'dryRun=false'));
    expect(again.counts).toEqual({ new: 0, changed: 0, unchanged: 3, error: 2 });
    expect(again.newDepartments).toEqual([]);
    expect((await admin.api.get('/api/admin/users?q=K-100')).body.total).toBe(3);
  });

  it('a corrected UTF-8 file updates the changed people and names what changed', async () => {
    const corrected = personnel
      .replace('Watanabe Sho', 'わたなべ しょう')
      .replace('K-1004,,', 'K-1004,yamamoto,')
      .replace('K-1001,takahashi,高橋 健,たかはし けん,市民部/市民課,主査', 'K-1001,takahashi,高橋 健,たかはし けん,総務部/人事課,係長');
    const res = ok(await importFile(Buffer.from('\uFEFF' + corrected, 'utf8'), 'dryRun=false'));
    expect(res.encoding).toBe('utf-8');
    expect(res.counts).toEqual({ new: 2, changed: 1, unchanged: 2, error: 0 });
    expect(res.rows.find((r) => r.staffNo === 'K-1001')!.message).toBe('変更: 部署、役職');
  });

  it('strict mode refuses a row whose department does not exist, and writes the others', async () => {
    const file = ['職員番号,ログインID,氏名,ふりがな,部署', 'K-2001,kobayashi,小林 修,こばやし おさむ,存在しない部/架空課', 'K-2002,kato,加藤 茜,かとう あかね,市民部/市民課'].join('\n');
    const res = ok(await importFile(Buffer.from(file), 'dryRun=false&createDepartments=false'));
    expect(res.rows.map((r) => [r.row, r.result, r.column ?? ''])).toEqual([
      [2, 'error', '部署'],
      [3, 'new', ''],
    ]);
    const names = (await admin.api.get('/api/departments')).body.map((d: { name: string }) => d.name);
    expect(names).not.toContain('架空課');
  });

  it('can disable the people missing from the file (never admins), ending their sessions at once', async () => {
    const dept = await createDepartment(admin, '退職予定課');
    const leaver = await createUser(admin, dept.id, { staffNo: 'X-9001' });
    expect((await leaver.api.get('/api/me')).status).toBe(200);
    const everyone = (await admin.api.get('/api/admin/users?pageSize=200&disabled=false')).body.users as { staffNo: string; role: string }[];
    const keep = everyone.filter((u) => u.staffNo !== 'X-9001' && u.role !== 'admin');
    const header = '職員番号,ログインID,氏名,ふりがな,部署';
    const exported = await (await fetch(`${t.url}/api/admin/export/users`, { headers: { authorization: `Bearer ${admin.token}` } })).text();
    // The export's lines of everyone but the leaver and the admin.
    const lines = exported.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1).filter((l) => keep.some((k) => l.startsWith(`${k.staffNo},`)));
    expect(lines).toHaveLength(keep.length);
    const preview = ok(await importFile(Buffer.from([header.replace('部署', '部署,役職,役割'), ...lines].join('\n')), 'dryRun=true&disableMissing=true'));
    expect(preview.disabled).toEqual([{ staffNo: 'X-9001', name: leaver.user.name }]);
    expect((await leaver.api.get('/api/me')).status).toBe(200);
    const real = ok(await importFile(Buffer.from([header.replace('部署', '部署,役職,役割'), ...lines].join('\n')), 'dryRun=false&disableMissing=true'));
    expect(real.counts.unchanged).toBe(keep.length);
    expect(real.counts.changed + real.counts.new + real.counts.error).toBe(0);
    expect((await leaver.api.get('/api/me')).status).toBe(401);
    expect((await admin.api.get('/api/me')).status).toBe(200);
  });

  it('exports the same format back (UTF-8 with BOM), and records imports and exports in the audit log', async () => {
    const res = await fetch(`${t.url}/api/admin/export/users`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('職員番号,ログインID,氏名,ふりがな,部署,役職,役割');
    expect(text).toContain('K-1001,takahashi,高橋 健,たかはし けん,総務部/人事課,係長,職員');
    const log = (await admin.api.get('/api/admin/audit?action=staff.import')).body.entries;
    // Real runs only: the dry runs changed nothing.
    expect(log.length).toBe(5);
    expect(log[log.length - 1].summary).toContain('新規3');
    expect((await admin.api.get('/api/admin/audit?action=staff.export')).body.total).toBeGreaterThan(0);
  });

  it('refuses a file without the required columns, a non-admin, and bad options, writing nothing', async () => {
    const noHeader = await importFile(Buffer.from('番号,名前\n1,誰か'), 'dryRun=false');
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error.message).toContain('職員番号');
    expect((await importFile(Buffer.from(''), 'dryRun=false')).status).toBe(400);
    expect((await importFile(Buffer.from(personnel), 'dryRun=maybe')).status).toBe(400);
    const dept = await createDepartment(admin, '一般課');
    const staff = await createUser(admin, dept.id);
    const res = await fetch(`${t.url}/api/admin/import/users?dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'text/csv' },
      body: new Uint8Array(Buffer.from(personnel)),
    });
    expect(res.status).toBe(403);
  });
});
