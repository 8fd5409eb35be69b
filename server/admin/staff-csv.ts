import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { loginIdSchema, type Role } from '../../shared/schemas/auth.js';
import { createUserBodySchema, displayText, kanaSchema } from '../../shared/schemas/directory.js';
import { STAFF_CSV_COLUMNS, type StaffCsvKey } from '../../shared/schemas/staff-import.js';
import { toCsv } from '../lib/csv.js';

/** One valid line of the staff file. */
export interface StaffLine {
  row: number;
  staffNo: string;
  loginId: string;
  name: string;
  nameKana: string;
  /** Department names from the top down (`市民部/市民課` → ['市民部', '市民課']). */
  departmentPath: string[];
  title?: string;
  role: Role;
}

export interface LineError {
  row: number;
  staffNo?: string;
  column?: string;
  message: string;
}

const ROLE_WORDS: Record<string, Role> = {
  staff: 'staff',
  職員: 'staff',
  一般: 'staff',
  supervisor: 'supervisor',
  管理職: 'supervisor',
  admin: 'admin',
  管理者: 'admin',
};
const ROLE_NAMES: Record<Role, string> = { staff: '職員', supervisor: '管理職', admin: '管理者' };

/** Bytes to text: UTF-8 (with or without a BOM) when the bytes are valid UTF-8, else Shift_JIS. */
export function decodeStaffFile(bytes: Buffer, encoding: 'auto' | 'utf-8' | 'shift_jis'): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  if (encoding !== 'shift_jis') {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return { text, encoding: 'utf-8' };
    } catch {
      if (encoding === 'utf-8') throw new AppError('bad_request', 'the file is not valid UTF-8 (choose Shift_JIS, or auto)');
    }
  }
  // Windows' Shift_JIS (cp932) is what Excel and the personnel system write.
  return { text: iconv.decode(bytes, 'cp932'), encoding: 'shift_jis' };
}

/** The file's lines, checked one by one: a bad line is an error of its own and stops nothing else. */
export function readStaffFile(text: string): { lines: StaffLine[]; errors: LineError[] } {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw new AppError('bad_request', `the file is not CSV: ${(err as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header) throw new AppError('bad_request', 'the file is empty: a header row and one line per person are expected');
  const at = columnsOf(header);
  const lines: StaffLine[] = [];
  const errors: LineError[] = [];
  const seenStaffNo = new Map<string, number>();
  const seenLoginId = new Map<string, number>();
  body.forEach((cells, i) => {
    const row = i + 2;
    const cell = (key: StaffCsvKey) => (at[key] === undefined ? '' : (cells[at[key]!] ?? '').trim());
    const staffNo = cell('staffNo');
    const fail = (key: StaffCsvKey, message: string) => {
      const column = STAFF_CSV_COLUMNS.find((c) => c.key === key)!.ja;
      errors.push({ row, ...(staffNo ? { staffNo } : {}), column, message: `${row}行目「${column}」: ${message}` });
    };
    const check = <T>(key: StaffCsvKey, schema: z.ZodType<T>): T | undefined => {
      const result = schema.safeParse(cell(key));
      if (result.success) return result.data;
      fail(key, cell(key) === '' ? '空です' : result.error.issues[0]?.message ?? 'invalid');
      return undefined;
    };
    const fields = {
      staffNo: check('staffNo', createUserBodySchema.shape.staffNo),
      loginId: check('loginId', loginIdSchema),
      name: check('name', displayText(100)),
      nameKana: check('nameKana', kanaSchema),
    };
    const departmentPath = cell('department').split('/').map((part) => part.trim()).filter(Boolean);
    if (departmentPath.length === 0) fail('department', '空です（例: 市民部/市民課）');
    else if (departmentPath.some((part) => part.length > 100)) fail('department', '部署名は100文字までです');
    const title = cell('title');
    if (title && !displayText(100).safeParse(title).success) fail('title', '100文字までの文字で入力してください');
    const roleWord = cell('role');
    const role = roleWord === '' ? 'staff' : ROLE_WORDS[roleWord.toLowerCase()];
    if (!role) fail('role', `「${roleWord}」は役割ではありません（職員・管理職・管理者）`);
    if (fields.staffNo && seenStaffNo.has(fields.staffNo)) fail('staffNo', `${seenStaffNo.get(fields.staffNo)}行目と同じ職員番号です`);
    if (fields.loginId && seenLoginId.has(fields.loginId)) fail('loginId', `${seenLoginId.get(fields.loginId)}行目と同じログインIDです`);
    if (errors.some((e) => e.row === row)) return;
    seenStaffNo.set(fields.staffNo!, row);
    seenLoginId.set(fields.loginId!, row);
    lines.push({
      row,
      staffNo: fields.staffNo!,
      loginId: fields.loginId!,
      name: fields.name!,
      nameKana: fields.nameKana!,
      departmentPath,
      ...(title ? { title } : {}),
      role: role!,
    });
  });
  return { lines, errors };
}

/** Where each column is; a required one missing refuses the whole file (nothing is read). */
function columnsOf(header: string[]): Partial<Record<StaffCsvKey, number>> {
  const at: Partial<Record<StaffCsvKey, number>> = {};
  header.forEach((name, i) => {
    const column = STAFF_CSV_COLUMNS.find((c) => c.ja === name.trim() || c.en.toLowerCase() === name.trim().toLowerCase());
    if (column) at[column.key] = i;
  });
  const missing = STAFF_CSV_COLUMNS.filter((c) => c.required && at[c.key] === undefined).map((c) => c.ja);
  if (missing.length > 0) {
    throw new AppError('bad_request', `the header row lacks ${missing.join('、')} (expected: ${STAFF_CSV_COLUMNS.map((c) => c.ja).join(',')})`);
  }
  return at;
}

/** The same format back (UTF-8 with BOM; the import reads it as it is). */
export function writeStaffFile(people: readonly { staffNo: string; loginId: string; name: string; nameKana: string; departmentPath: string; title?: string; role: Role }[]): string {
  return toCsv(
    STAFF_CSV_COLUMNS.map((c) => c.ja),
    people.map((p) => [p.staffNo, p.loginId, p.name, p.nameKana, p.departmentPath, p.title ?? '', ROLE_NAMES[p.role]]),
  );
}
