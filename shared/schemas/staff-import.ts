/**
 * Staff import from the personnel system (issue 11): `POST /api/admin/import/users` with the CSV as the
 * body (`text/csv`, UTF-8 or Shift_JIS), and the same format back from `GET /api/admin/export/users`.
 */
import { z } from 'zod';

/** The file's columns: Japanese header names as the personnel system writes them, English accepted too. */
export const STAFF_CSV_COLUMNS = [
  { key: 'staffNo', ja: '職員番号', en: 'staffNo', required: true },
  { key: 'loginId', ja: 'ログインID', en: 'loginId', required: true },
  { key: 'name', ja: '氏名', en: 'name', required: true },
  { key: 'nameKana', ja: 'ふりがな', en: 'nameKana', required: true },
  { key: 'department', ja: '部署', en: 'department', required: true },
  { key: 'title', ja: '役職', en: 'title', required: false },
  { key: 'role', ja: '役割', en: 'role', required: false },
] as const;
export type StaffCsvKey = (typeof STAFF_CSV_COLUMNS)[number]['key'];

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const staffImportQuerySchema = z
  .object({
    /** Default true: nothing is written until the admin has seen the per-row results. */
    dryRun: flag.optional(),
    /** Default auto: UTF-8 if the bytes are valid UTF-8, else Shift_JIS. */
    encoding: z.enum(['auto', 'utf-8', 'shift_jis']).optional(),
    /** Default true: a department path that does not exist is created; false (strict): that row is an error. */
    createDepartments: flag.optional(),
    /** Default false: people (not admins) missing from the file are disabled. */
    disableMissing: flag.optional(),
  })
  .strict();
export type StaffImportQuery = z.infer<typeof staffImportQuerySchema>;

export const STAFF_IMPORT_RESULTS = ['new', 'changed', 'unchanged', 'error'] as const;

export const staffImportRowSchema = z.object({
  /** The line in the file (the header is row 1). */
  row: z.number().int().positive(),
  result: z.enum(STAFF_IMPORT_RESULTS),
  staffNo: z.string().optional(),
  /** The column at fault (its header name), with `error`. */
  column: z.string().optional(),
  /** Why it is an error, or what changes (`changed`: the fields; departments to be created). */
  message: z.string().optional(),
});
export type StaffImportRow = z.infer<typeof staffImportRowSchema>;

export const staffImportResultSchema = z.object({
  dryRun: z.boolean(),
  encoding: z.enum(['utf-8', 'shift_jis']),
  rows: z.array(staffImportRowSchema),
  counts: z.object({ new: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), error: z.number().int() }),
  /** Department paths that do not exist yet (created by the real run, unless strict). */
  newDepartments: z.array(z.string()),
  /** People disabled (or, in a dry run, to be disabled) because they are missing from the file. */
  disabled: z.array(z.object({ staffNo: z.string(), name: z.string() })),
});
export type StaffImportResult = z.infer<typeof staffImportResultSchema>;

/** To the importing admin's connections while a real run writes: how far it is. */
export const staffImportProgressEventSchema = z.object({ done: z.number().int(), total: z.number().int() });
export type StaffImportProgressEvent = z.infer<typeof staffImportProgressEventSchema>;
