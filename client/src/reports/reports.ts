import type { LicenceReport, PersonReport, ReportsAccess, TeleworkReport } from '../../../shared/schemas/reports.js';
import type { Department } from '../../../shared/schemas/directory.js';
import { api } from '../net/api';

/** The reports API (server/reports). CSV comes from the same paths with `format=csv`, as links. */

export const licenceReport = (from: string, to: string) => api.get<LicenceReport>('/api/reports/licences', { from, to });
export const teleworkReport = (month: string, departmentId?: string) => api.get<TeleworkReport>('/api/reports/telework', { month, departmentId });
export const personReport = (userId: string, month: string) => api.get<PersonReport>('/api/reports/telework/person', { userId, month });
export const listDepartments = () => api.get<Department[]>('/api/departments');

export function csvHref(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  return `${path}?${params}`;
}

/** Asks once whether a supervisor may see the reports (admins always may; staff never). */
export const reportsAccess = () => api.get<ReportsAccess>('/api/reports/access');

// ── Asia/Tokyo dates (UTC+9, no daylight saving) ─────────────────
const JST = 9 * 3_600_000;
const DAY = 86_400_000;

export const tokyoToday = () => new Date(Date.now() + JST).toISOString().slice(0, 10);
export const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** The day, its Monday-to-Sunday week, or its calendar month. */
export function rangeOf(period: 'day' | 'week' | 'month', date: string): { from: string; to: string } {
  if (period === 'day') return { from: date, to: date };
  if (period === 'week') {
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
    const from = addDays(date, -weekday);
    return { from, to: addDays(from, 6) };
  }
  const [y, m] = date.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${date.slice(0, 7)}-01`, to: `${date.slice(0, 7)}-${String(last).padStart(2, '0')}` };
}

const timeFmt = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTimeFmt = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
export const tokyoTime = (iso: string) => timeFmt.format(new Date(iso));
export const tokyoDateTime = (iso: string) => dateTimeFmt.format(new Date(iso));
export const hours = (minutes: number) => (minutes / 60).toFixed(1);
