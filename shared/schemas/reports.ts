/** Reports (issue 11): licence utilisation (情報政策課) and telework by person (人事課). */
import { z } from 'zod';
import { idSchema } from './common.js';

/** The longest range a licence report covers, in days (a month: 44,640 minutes). */
export const LICENCE_REPORT_MAX_DAYS = 31;

/** `GET /api/reports/licences?from=YYYY-MM-DD&to=YYYY-MM-DD` — both Asia/Tokyo dates, `to` included. */
export const licenceReportQuerySchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();
export type LicenceReportQuery = z.infer<typeof licenceReportQuerySchema>;

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

/** `GET /api/reports/telework?month=YYYY-MM[&departmentId=]` */
export const teleworkReportQuerySchema = z
  .object({ month: monthSchema, departmentId: idSchema.optional(), format: z.enum(['json', 'csv']).optional() })
  .strict();
export type TeleworkReportQuery = z.infer<typeof teleworkReportQuerySchema>;

/** `GET /api/reports/telework/person?userId=&month=YYYY-MM` */
export const personReportQuerySchema = z
  .object({ userId: idSchema, month: monthSchema, format: z.enum(['json', 'csv']).optional() })
  .strict();
export type PersonReportQuery = z.infer<typeof personReportQuerySchema>;

export interface LicenceReport {
  from: string;
  to: string;
  capacity: number;
  /** Minutes per point of `series`: 1 for a day, 5 up to a week, 60 beyond. Each point is the most sessions open at once within it. */
  resolutionMinutes: 1 | 5 | 60;
  /** Start of the series (ISO, 00:00 Asia/Tokyo on `from`). */
  seriesStart: string;
  series: number[];
  /** Per Asia/Tokyo day: the most sessions open at once, when first reached, minutes at capacity, refusals. */
  days: { date: string; peak: number; peakAt: string | null; fullMinutes: number; refusals: number }[];
  peak: number;
  /** Minutes during which every licence was in use. */
  fullMinutes: number;
  /** Starts refused `license_exhausted` in the range. */
  refusals: number;
  /** distribution[k]: minutes during which at most k and at least k sessions were open (k = 0…capacity). */
  distribution: number[];
  byDepartment: { departmentId: string; name: string; sessions: number; people: number; minutes: number; peak: number; silentSessions: number; refusals: number }[];
  /** Sessions in the range during which their person sent no message. */
  silentSessions: { count: number; minutes: number; sessions: { userId: string; name: string; departmentName: string; startedAt: string; endedAt: string | null; minutes: number }[] };
}

export interface TeleworkPersonRow {
  userId: string;
  staffNo: string;
  name: string;
  departmentId: string;
  departmentName: string;
  days: number;
  minutes: number;
}

export interface TeleworkReport {
  month: string;
  people: TeleworkPersonRow[];
  byDepartment: { departmentId: string; name: string; people: number; days: number; minutes: number }[];
}

export interface PersonDayRow {
  date: string;
  sessions: number;
  minutes: number;
  /** Earliest start and latest end within the day (a session crossing midnight is cut there), ISO. */
  firstStart: string;
  lastEnd: string;
  /** Whether a session was still open at the report's time (its end is then "now"). */
  open: boolean;
}

export interface PersonReport {
  month: string;
  user: { id: string; name: string; staffNo: string; departmentName: string };
  days: PersonDayRow[];
  totalMinutes: number;
}

/** `GET /api/reports/access`: whether the caller may see reports (admins; supervisors of REPORTS_DEPARTMENT_IDS). */
export interface ReportsAccess {
  allowed: boolean;
}
