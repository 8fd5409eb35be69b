import type { User } from '../../shared/schemas/auth.js';
import type { StaffImportQuery, StaffImportResult, StaffImportRow } from '../../shared/schemas/staff-import.js';
import type { AccountsService } from '../accounts/accounts.service.js';
import type { DirectoryService } from '../directory/directory.service.js';
import type { Realtime } from '../realtime.js';
import { decodeStaffFile, readStaffFile, writeStaffFile, type StaffLine } from './staff-csv.js';

/** Lines written per step of a real run; the importing admin hears the progress after each. */
const STEP = 250;

type Change = Partial<Pick<User, 'loginId' | 'name' | 'nameKana' | 'departmentId' | 'title' | 'role'>>;

/**
 * The personnel system's staff file in, and back out. It writes nothing itself: people and
 * departments through the directory service, disabling through the accounts service (which ends
 * their sessions). Validate everything first (every line gets its result), then write.
 */
export class StaffImportService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly accounts: AccountsService,
    private readonly realtime: Realtime,
  ) {}

  /**
   * Reads the file and compares it with the directory (three reads whatever its length); unless a
   * dry run, then writes the new and changed people in steps, reporting progress. Idempotent by
   * staff number: the same file again is all `unchanged`. Lines with errors are skipped, never
   * half-written.
   */
  async run(admin: User, bytes: Buffer, query: StaffImportQuery): Promise<StaffImportResult> {
    const dryRun = query.dryRun ?? true;
    const createDepartments = query.createDepartments ?? true;
    const { text, encoding } = decodeStaffFile(bytes, query.encoding ?? 'auto');
    const { lines, errors } = readStaffFile(text);

    const [existing, owners, departments] = await Promise.all([
      this.directory.usersByStaffNos(lines.map((l) => l.staffNo)),
      this.directory.loginIdOwners(lines.map((l) => l.loginId)),
      // A dry run only looks; the real run creates what is missing (unless strict).
      this.directory.resolveDepartmentPaths(unique(lines.map((l) => l.departmentPath)), createDepartments && !dryRun),
    ]);
    const byStaffNo = new Map(existing.map((u) => [u.staffNo, u]));

    const rows: StaffImportRow[] = errors.map((e) => ({ row: e.row, result: 'error' as const, ...(e.staffNo ? { staffNo: e.staffNo } : {}), ...(e.column ? { column: e.column } : {}), message: e.message }));
    const creates: { line: StaffLine; departmentId: string }[] = [];
    const updates: { line: StaffLine; user: User; set: Change }[] = [];
    for (const line of lines) {
      const pathKey = line.departmentPath.join('/');
      const departmentId = departments.ids.get(pathKey);
      const owner = owners.get(line.loginId);
      if (owner !== undefined && owner !== line.staffNo) {
        rows.push({ row: line.row, result: 'error', staffNo: line.staffNo, column: 'ログインID', message: `${line.row}行目「ログインID」: ${line.loginId} は職員番号 ${owner} の人が使っています` });
        continue;
      }
      if (!departmentId && !(createDepartments && departments.missing.includes(pathKey))) {
        rows.push({ row: line.row, result: 'error', staffNo: line.staffNo, column: '部署', message: `${line.row}行目「部署」: ${pathKey} はありません（厳格モード）` });
        continue;
      }
      const user = byStaffNo.get(line.staffNo);
      const newDepartment = departmentId ? '' : `（新しい部署 ${pathKey}）`;
      if (!user) {
        creates.push({ line, departmentId: departmentId ?? '' });
        rows.push({ row: line.row, result: 'new', staffNo: line.staffNo, ...(newDepartment ? { message: newDepartment } : {}) });
        continue;
      }
      const set = changesOf(user, line, departmentId);
      if (Object.keys(set).length === 0 && departmentId) {
        rows.push({ row: line.row, result: 'unchanged', staffNo: line.staffNo });
        continue;
      }
      updates.push({ line, user, set });
      rows.push({ row: line.row, result: 'changed', staffNo: line.staffNo, message: `${fieldNames(set, !departmentId)}${newDepartment}` });
    }
    rows.sort((a, b) => a.row - b.row);

    const inFile = lines.map((l) => l.staffNo);
    const missing = query.disableMissing ? (await this.directory.enabledNonAdminsExcept(inFile)).filter((u) => u.id !== admin.id) : [];

    if (!dryRun) {
      const total = creates.length + updates.length + missing.length;
      let done = 0;
      const progress = () => this.realtime.toUsers([admin.id]).emit('import:progress', { done, total });
      for (let i = 0; i < creates.length; i += STEP) {
        const step = creates.slice(i, i + STEP);
        await this.directory.importUsers(step.map(({ line, departmentId }) => newUser(line, departmentId || departments.ids.get(line.departmentPath.join('/'))!)), []);
        done += step.length;
        progress();
      }
      for (let i = 0; i < updates.length; i += STEP) {
        const step = updates.slice(i, i + STEP);
        await this.directory.importUsers([], step.map(({ line, user, set }) => ({ id: user.id, from: user.departmentId, set: withDepartment(set, departments.ids.get(line.departmentPath.join('/'))!, user) })));
        done += step.length;
        progress();
      }
      if (missing.length > 0) {
        await this.accounts.disableMany(missing.map((u) => u.id));
        done += missing.length;
        progress();
      }
    }

    return {
      dryRun,
      encoding,
      rows,
      counts: {
        new: rows.filter((r) => r.result === 'new').length,
        changed: rows.filter((r) => r.result === 'changed').length,
        unchanged: rows.filter((r) => r.result === 'unchanged').length,
        error: rows.filter((r) => r.result === 'error').length,
      },
      newDepartments: departments.missing,
      disabled: missing.map((u) => ({ staffNo: u.staffNo, name: u.name })),
    };
  }

  /** Everyone, in the import's own format. */
  async export(): Promise<string> {
    return writeStaffFile(await this.directory.exportRows());
  }
}

function unique(paths: string[][]): string[][] {
  const seen = new Map(paths.map((p) => [p.join('/'), p]));
  return [...seen.values()];
}

function changesOf(user: User, line: StaffLine, departmentId: string | undefined): Change {
  const set: Change = {};
  if (user.loginId !== line.loginId) set.loginId = line.loginId;
  if (user.name !== line.name) set.name = line.name;
  if (user.nameKana !== line.nameKana) set.nameKana = line.nameKana;
  if ((user.title ?? '') !== (line.title ?? '')) set.title = line.title ?? '';
  if (user.role !== line.role) set.role = line.role;
  if (departmentId && user.departmentId !== departmentId) set.departmentId = departmentId;
  return set;
}

/** A department created by this run is known only once written: fill it in for the update. */
function withDepartment(set: Change, departmentId: string, user: User): Change {
  return !set.departmentId && departmentId !== user.departmentId ? { ...set, departmentId } : set;
}

/** In the file's column order. */
const FIELD_WORDS: Record<keyof Change, string> = { loginId: 'ログインID', name: '氏名', nameKana: 'ふりがな', departmentId: '部署', title: '役職', role: '役割' };
function fieldNames(set: Change, departmentToo: boolean): string {
  const keys = (Object.keys(FIELD_WORDS) as (keyof Change)[]).filter((k) => k in set || (k === 'departmentId' && departmentToo));
  return `変更: ${keys.map((k) => FIELD_WORDS[k]).join('、')}`;
}

function newUser(line: StaffLine, departmentId: string) {
  return {
    loginId: line.loginId,
    staffNo: line.staffNo,
    name: line.name,
    nameKana: line.nameKana,
    departmentId,
    role: line.role,
    ...(line.title ? { title: line.title } : {}),
  };
}
