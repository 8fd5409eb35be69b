import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { LicenceReport, PersonDayRow, PersonReport, TeleworkPersonRow, TeleworkReport } from '../../shared/schemas/reports.js';
import { LICENCE_REPORT_MAX_DAYS } from '../../shared/schemas/reports.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { toCsv, tokyoDateTime, tokyoMidnight } from '../lib/csv.js';
import type { MessageQueries } from '../messaging/message.queries.js';
import type { TeleworkService } from '../telework/telework.service.js';
import { activeWithin, DAY, maxPerBlock, MINUTE, peakConcurrency, perMinuteConcurrency, splitByTokyoDay, tokyoDate, type Interval } from './timeline.js';

/** How many silent sessions the report lists by name (the count covers them all). */
const SILENT_LISTED = 50;

function addDays(date: string, days: number): string {
  return tokyoDate(tokyoMidnight(date).getTime() + days * DAY);
}

function monthRange(month: string): { start: number; end: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { start: tokyoMidnight(`${month}-01`).getTime(), end: tokyoMidnight(`${next}-01`).getTime() };
}

const hours = (minutes: number) => (minutes / 60).toFixed(2);

/**
 * Reports over telework sessions. Writes nothing; each report reads the sessions overlapping its
 * range in one query, the people in one, departments in one (and, for the licence report, the
 * refusals and the message times in one each), then computes in memory.
 */
export class ReportsService {
  constructor(
    private readonly config: Config,
    private readonly teleworkSessions: TeleworkService,
    private readonly directory: DirectoryService,
    private readonly messages: MessageQueries,
    private readonly clock: Clock,
  ) {}

  /** Admins; supervisors of the departments named in REPORTS_DEPARTMENT_IDS. */
  mayView(user: User): boolean {
    return user.role === 'admin' || (user.role === 'supervisor' && this.config.REPORTS_DEPARTMENT_IDS.includes(user.departmentId));
  }

  /** Sessions overlapping [start, end), cut to it; an open session runs until now (one reading of the clock). */
  private async clipped(start: number, end: number, userIds?: string[]): Promise<(Interval & { userId: string; open: boolean })[]> {
    const now = this.clock().getTime();
    const sessions = await this.teleworkSessions.sessionsOverlapping(new Date(start), new Date(end), userIds);
    const out: (Interval & { userId: string; open: boolean })[] = [];
    for (const s of sessions) {
      const iv = { start: Math.max(start, s.startedAt.getTime()), end: Math.min(end, s.endedAt?.getTime() ?? now) };
      // `open`: still running at the report's end (not merely cut by the range's end).
      if (iv.end > iv.start) out.push({ ...iv, userId: s.userId, open: !s.endedAt && iv.end === now });
    }
    return out;
  }

  private async peopleOf(userIds: Iterable<string>): Promise<{ users: Map<string, User>; departmentName: (id: string) => string }> {
    const [users, departments] = await Promise.all([this.directory.getUsers([...new Set(userIds)]), this.directory.listDepartments()]);
    const names = new Map(departments.map((d) => [d.id, d.name]));
    return { users: new Map(users.map((u) => [u.id, u])), departmentName: (id) => names.get(id) ?? '' };
  }

  // ── licence utilisation (情報政策課) ─────────────────────────

  async licences(from: string, to: string): Promise<LicenceReport> {
    const start = tokyoMidnight(from).getTime();
    const end = tokyoMidnight(addDays(to, 1)).getTime();
    const dayCount = Math.round((end - start) / DAY);
    if (dayCount < 1 || dayCount > LICENCE_REPORT_MAX_DAYS) {
      throw new AppError('bad_request', `from…to must cover 1 to ${LICENCE_REPORT_MAX_DAYS} days`);
    }
    const capacity = this.config.TELEWORK_CAPACITY;
    const [intervals, refusals] = await Promise.all([this.clipped(start, end), this.teleworkSessions.refusalsBetween(new Date(start), new Date(end))]);
    const userIds = [...new Set([...intervals.map((i) => i.userId), ...refusals.map((r) => r.userId)])];
    const [{ users, departmentName }, sendHours] = await Promise.all([
      this.peopleOf(userIds),
      this.messages.sendHours([...new Set(intervals.map((i) => i.userId))], new Date(start), new Date(end)),
    ]);

    const minutes = perMinuteConcurrency(intervals, start, dayCount * 1440);
    let peak = 0;
    let fullMinutes = 0;
    for (const v of minutes) {
      if (v > peak) peak = v;
      if (v >= capacity) fullMinutes++;
    }
    const distribution = new Array<number>(Math.max(capacity, peak) + 1).fill(0);
    for (const v of minutes) distribution[v]!++;

    const refusalsByDay = new Map<string, number>();
    for (const r of refusals) refusalsByDay.set(tokyoDate(r.at.getTime()), (refusalsByDay.get(tokyoDate(r.at.getTime())) ?? 0) + 1);
    const days: LicenceReport['days'] = [];
    for (let d = 0; d < dayCount; d++) {
      let dayPeak = 0;
      let peakMinute = -1;
      let full = 0;
      for (let m = d * 1440; m < (d + 1) * 1440; m++) {
        if (minutes[m]! > dayPeak) [dayPeak, peakMinute] = [minutes[m]!, m];
        if (minutes[m]! >= capacity) full++;
      }
      const date = tokyoDate(start + d * DAY);
      days.push({ date, peak: dayPeak, peakAt: peakMinute < 0 ? null : new Date(start + peakMinute * MINUTE).toISOString(), fullMinutes: full, refusals: refusalsByDay.get(date) ?? 0 });
    }

    // Silent: the person sent no message while the session was open (within the range).
    const silent = intervals.filter((iv) => !activeWithin(sendHours.get(iv.userId) ?? [], iv.start, iv.end));
    const deptOf = (userId: string) => users.get(userId)?.departmentId ?? '';
    const byDept = new Map<string, { intervals: Interval[]; people: Set<string>; ms: number; silent: number; refusals: number }>();
    const dept = (id: string) => {
      let entry = byDept.get(id);
      if (!entry) byDept.set(id, (entry = { intervals: [], people: new Set(), ms: 0, silent: 0, refusals: 0 }));
      return entry;
    };
    for (const iv of intervals) {
      const e = dept(deptOf(iv.userId));
      e.intervals.push(iv);
      e.people.add(iv.userId);
      e.ms += iv.end - iv.start;
    }
    for (const iv of silent) dept(deptOf(iv.userId)).silent++;
    for (const r of refusals) dept(deptOf(r.userId)).refusals++;

    const resolution = dayCount === 1 ? 1 : dayCount <= 7 ? 5 : 60;
    const minutesOf = (iv: Interval) => Math.round((iv.end - iv.start) / MINUTE);
    return {
      from,
      to,
      capacity,
      resolutionMinutes: resolution,
      seriesStart: new Date(start).toISOString(),
      series: maxPerBlock(minutes, resolution),
      days,
      peak,
      fullMinutes,
      refusals: refusals.length,
      distribution,
      byDepartment: [...byDept]
        .map(([id, e]) => ({
          departmentId: id,
          name: departmentName(id),
          sessions: e.intervals.length,
          people: e.people.size,
          minutes: Math.round(e.ms / MINUTE),
          peak: peakConcurrency(e.intervals),
          silentSessions: e.silent,
          refusals: e.refusals,
        }))
        .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name, 'ja')),
      silentSessions: {
        count: silent.length,
        minutes: silent.reduce((sum, iv) => sum + minutesOf(iv), 0),
        sessions: silent
          .sort((a, b) => b.end - b.start - (a.end - a.start))
          .slice(0, SILENT_LISTED)
          .map((iv) => ({
            userId: iv.userId,
            name: users.get(iv.userId)?.name ?? '',
            departmentName: departmentName(deptOf(iv.userId)),
            startedAt: new Date(iv.start).toISOString(),
            endedAt: iv.open ? null : new Date(iv.end).toISOString(),
            minutes: minutesOf(iv),
          })),
      },
    };
  }

  licencesCsv(report: LicenceReport): string {
    const start = Date.parse(report.seriesStart);
    return toCsv(
      ['時刻', `同時接続数（${report.resolutionMinutes}分ごとの最大）`, 'ライセンス数'],
      report.series.map((v, i) => [tokyoDateTime(new Date(start + i * report.resolutionMinutes * MINUTE)), v, report.capacity]),
    );
  }

  // ── telework by person (人事課) ─────────────────────────────

  /** Per person and Asia/Tokyo day: minutes, sessions, first start, last end. */
  private static byPersonAndDay(intervals: readonly (Interval & { userId: string; open: boolean })[]): Map<string, Map<string, PersonDayRow & { ms: number }>> {
    const out = new Map<string, Map<string, PersonDayRow & { ms: number }>>();
    for (const iv of intervals) {
      let days = out.get(iv.userId);
      if (!days) out.set(iv.userId, (days = new Map()));
      for (const piece of splitByTokyoDay(iv)) {
        const row = days.get(piece.date);
        if (!row) {
          days.set(piece.date, { date: piece.date, sessions: 1, ms: piece.end - piece.start, minutes: 0, firstStart: new Date(piece.start).toISOString(), lastEnd: new Date(piece.end).toISOString(), open: iv.open && piece.end === iv.end });
          continue;
        }
        row.sessions++;
        row.ms += piece.end - piece.start;
        if (piece.start < Date.parse(row.firstStart)) row.firstStart = new Date(piece.start).toISOString();
        if (piece.end >= Date.parse(row.lastEnd)) {
          row.lastEnd = new Date(piece.end).toISOString();
          row.open = iv.open && piece.end === iv.end;
        }
      }
    }
    for (const days of out.values()) for (const row of days.values()) row.minutes = Math.round(row.ms / MINUTE);
    return out;
  }

  async telework(month: string, departmentId?: string): Promise<TeleworkReport> {
    const { start, end } = monthRange(month);
    const scope = departmentId ? (await this.directory.listUsers({ departmentIds: await this.directory.subtreeIds(departmentId) })).map((u) => u.id) : undefined;
    const intervals = await this.clipped(start, end, scope);
    const perDay = ReportsService.byPersonAndDay(intervals);
    const { users, departmentName } = await this.peopleOf(perDay.keys());
    const people: TeleworkPersonRow[] = [];
    for (const [userId, days] of perDay) {
      const user = users.get(userId);
      let minutes = 0;
      for (const row of days.values()) minutes += row.minutes;
      people.push({
        userId,
        staffNo: user?.staffNo ?? '',
        name: user?.name ?? '',
        departmentId: user?.departmentId ?? '',
        departmentName: departmentName(user?.departmentId ?? ''),
        days: days.size,
        minutes,
      });
    }
    people.sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'ja') || a.staffNo.localeCompare(b.staffNo));
    const byDept = new Map<string, { departmentId: string; name: string; people: number; days: number; minutes: number }>();
    for (const p of people) {
      const e = byDept.get(p.departmentId) ?? { departmentId: p.departmentId, name: p.departmentName, people: 0, days: 0, minutes: 0 };
      e.people++;
      e.days += p.days;
      e.minutes += p.minutes;
      byDept.set(p.departmentId, e);
    }
    return { month, people, byDepartment: [...byDept.values()].sort((a, b) => b.minutes - a.minutes) };
  }

  teleworkCsv(report: TeleworkReport): string {
    return toCsv(
      ['年月', '職員番号', '氏名', '所属', 'テレワーク日数', '合計時間', '合計分'],
      report.people.map((p) => [report.month, p.staffNo, p.name, p.departmentName, p.days, hours(p.minutes), p.minutes]),
    );
  }

  async person(userId: string, month: string): Promise<PersonReport> {
    const user = await this.directory.getUser(userId);
    const { start, end } = monthRange(month);
    const [intervals, departments] = await Promise.all([this.clipped(start, end, [userId]), this.directory.listDepartments()]);
    const days = [...(ReportsService.byPersonAndDay(intervals).get(userId)?.values() ?? [])]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map(({ ms: _ms, ...row }) => row);
    return {
      month,
      user: { id: user.id, name: user.name, staffNo: user.staffNo, departmentName: departments.find((d) => d.id === user.departmentId)?.name ?? '' },
      days,
      totalMinutes: days.reduce((sum, d) => sum + d.minutes, 0),
    };
  }

  personCsv(report: PersonReport): string {
    const time = (iso: string) => tokyoDateTime(new Date(iso)).slice(11);
    return toCsv(
      ['日付', '職員番号', '氏名', '最初の開始', '最後の終了', '回数', '時間', '分'],
      report.days.map((d) => [d.date, report.user.staffNo, report.user.name, time(d.firstStart), d.open ? '継続中' : d.lastEnd.endsWith('T15:00:00.000Z') ? '24:00' : time(d.lastEnd), d.sessions, hours(d.minutes), d.minutes]),
    );
  }
}
