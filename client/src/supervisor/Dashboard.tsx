import { useEffect, useMemo, useState } from 'react';
import { PRESENCE_STATES } from '../../../shared/constants.js';
import type { PresenceState } from '../../../shared/schemas/presence.js';
import type { Overview } from '../../../shared/schemas/telework.js';
import { appStore, useApp } from '../app/state';
import { useI18n } from '../i18n/i18n';
import { formatDateTime, formatTime } from '../i18n/format';
import { api, ApiError } from '../net/api';
import { onOverviewMember, onTeleworkPlan, unwatchOverview, watchOverview } from '../net/socket';
import type { DepartmentPlans } from '../../../shared/schemas/telework-plans.js';
import { departmentPlans } from '../presence/plans';
import { presenceChanged } from '../conversations/apply';
import { buildTree, descendantsOf, type DepartmentNode } from '../directory/departments';
import { PersonName } from '../directory/PersonName';
import { sortByKana } from '../directory/people';
import { PresenceDot } from '../presence/PresenceDot';
import { countStates, countsByDepartment, fromOverview, minutesToday, upsertMember, type BoardMember } from './overview';
import { BoardTree } from './BoardTree';
import { useReportsAccess } from '../app/reports-access';
import type { TeleworkStatus } from '../../../shared/schemas/telework.js';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

const REFRESH_MS = 5 * 60_000;

/** The supervisor's board: who in a department (and below) is teleworking, in the office or offline. */
export function Dashboard() {
  const { t, lang } = useI18n();
  const me = useApp((s) => s.me);
  const departments = useApp((s) => s.departments);
  const presence = useApp((s) => s.presence);
  const connection = useApp((s) => s.connection);
  const [departmentId, setDepartmentId] = useState(me?.departmentId ?? '');
  const [board, setBoard] = useState<{ departmentId: string; members: BoardMember[] } | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState<PresenceState | null>(null);
  const [now, setNow] = useState(() => Date.now());
  // テレワーク予定 for today and tomorrow, and the latest same-day notice.
  const [plans, setPlans] = useState<{ departmentId: string; value: DepartmentPlans } | null>(null);
  const [notice, setNotice] = useState('');
  // Licence use (the IT division's concern): in use / capacity.
  const [licences, setLicences] = useState<TeleworkStatus | null>(null);

  const options = useMemo(() => {
    const scope = me?.role === 'admin' ? null : descendantsOf(departments, me?.departmentId ?? '');
    const flat: DepartmentNode[] = [];
    const walk = (nodes: DepartmentNode[]) => nodes.forEach((n) => (flat.push(n), walk(n.children)));
    walk(buildTree(departments));
    return flat.filter((n) => !scope || scope.has(n.department.id));
  }, [departments, me]);
  const departmentName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);

  useEffect(() => {
    if (!departmentId) return;
    let live = true;
    setError('');
    const loaded = (overview: Overview) => {
      if (!live) return;
      appStore.set((s) => overview.members.reduce((st, m) => presenceChanged(st, { userId: m.user.id, presence: m.presence }), s));
      setBoard({ departmentId, members: fromOverview(overview) });
    };
    const failed = (code: string) => live && setError(code === 'forbidden' ? t('dash.forbidden') : t(`err.${code as 'internal'}`));
    const load = async () => {
      const ack = await watchOverview(departmentId);
      if (ack.ok) return loaded(ack.overview);
      if (ack.error.code === 'forbidden') return failed('forbidden');
      // Not connected yet: read it over REST; the watch is renewed on connect.
      try {
        loaded(await api.get<Overview>('/api/presence/overview', { departmentId }));
      } catch (e) {
        failed(e instanceof ApiError ? e.code : 'internal');
      }
    };
    void load();
    const off = onOverviewMember((event) => {
      if (event.departmentId !== departmentId) return;
      setBoard((b) => (b && b.departmentId === departmentId ? { departmentId, members: upsertMember(b.members, event.member) } : b));
    });
    const refresh = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      off();
      clearInterval(refresh);
      unwatchOverview(departmentId);
    };
  }, [departmentId, connection === 'connected']); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!departmentId) return;
    let live = true;
    const load = () =>
      departmentPlans(departmentId).then(
        (value) => live && setPlans({ departmentId, value }),
        () => {},
      );
    void load();
    // A same-day notice: say so, and show the plan on the board at once.
    const off = onTeleworkPlan((event) => {
      setNotice(t('dash.sameDayNotice', { name: event.name }));
      void load();
    });
    return () => {
      live = false;
      off();
    };
  }, [departmentId, t]);

  // Licence use: admins and those who see the reports (the IT division's supervisors).
  const mayReport = useReportsAccess(me?.role);
  useEffect(() => {
    if (!mayReport) return;
    let live = true;
    const load = () => api.get<TeleworkStatus>('/api/telework/status').then((s) => live && setLicences(s), () => {});
    void load();
    const timer = setInterval(() => void load(), 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [mayReport]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const members = board && board.departmentId === departmentId ? board.members : null;
  const rows = useMemo(
    () => sortByKana((members ?? []).map((m) => ({ ...m, nameKana: m.user.nameKana, live: presence[m.user.id] ?? m.presence }))),
    [members, presence],
  );
  const counts = countStates(rows.map((r) => r.live.state));
  const parentOf = useMemo(() => new Map(departments.map((d) => [d.id, d.parentId])), [departments]);
  const treeCounts = useMemo(() => countsByDepartment(rows.map((r) => ({ departmentId: r.user.departmentId, presence: r.live })), parentOf), [rows, parentOf]);
  const rootNode = options.find((n) => n.department.id === departmentId);
  const planned = plans && plans.departmentId === departmentId ? plans.value : null;
  const todayPlan = useMemo(() => new Map((planned?.plans ?? []).filter((p) => p.date === planned?.today).map((p) => [p.userId, p])), [planned]);
  const tomorrowPlans = (planned?.plans ?? []).filter((p) => p.date === planned?.tomorrow);
  const nameOf = useMemo(() => new Map(rows.map((r) => [r.user.id, r.user.name])), [rows]);
  const shown = filter ? rows.filter((r) => r.live.state === filter) : rows;

  return (
    <div className="dashboard">
      <div className="dashboard__bar">
        <h1 className="screen-title">{t('dash.heading')}</h1>
        <label htmlFor="dashboard-department">{t('dash.department')}</label>
        <select
          id="dashboard-department"
          className="select"
          value={departmentId}
          onChange={(e) => setDepartmentId(e.target.value)}
          data-testid="dashboard-department"
        >
          {options.map((n) => (
            <option key={n.department.id} value={n.department.id}>
              {'　'.repeat(n.depth)}
              {n.department.name}
            </option>
          ))}
        </select>
        {licences && (
          <span className="muted" data-testid="board-licences">
            {t('dash.licences', { active: licences.active, capacity: licences.capacity })}
          </span>
        )}
        <span className="live-dot" aria-hidden={connection !== 'connected'}>
          {connection === 'connected' ? `● ${t('dash.live')}` : ''}
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="dashboard__notice" role="status" data-testid="plan-notice">
          {notice}
        </p>
      )}
      {!error && members === null && <p className="muted">{t('dash.loading')}</p>}
      {members && (
        <>
          <div className="counts" role="group" aria-label={t('dash.state')}>
            {PRESENCE_STATES.map((s) => (
              <button
                key={s}
                type="button"
                className={`count count--${s}`}
                aria-pressed={filter === s}
                onClick={() => setFilter((f) => (f === s ? null : s))}
                data-testid={`count-${s}`}
              >
                <span className="count__label">{t(`presence.${s}`)}</span>
                <span className="count__value" data-testid={`count-${s}-value`}>
                  {counts[s]}
                </span>
              </button>
            ))}
            <span className="muted count__total">{t('dash.total', { n: rows.length })}</span>
          </div>
          {rootNode && <BoardTree root={rootNode} counts={treeCounts} onSelect={setDepartmentId} />}
          <table className="board" data-testid="overview-table">
            <caption className="visually-hidden">{t('dash.members')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dash.name')}</th>
                <th scope="col">{t('dash.department')}</th>
                <th scope="col">{t('dash.state')}</th>
                <th scope="col">{t('dash.availability')}</th>
                <th scope="col">{t('dash.since')}</th>
                <th scope="col">{t('dash.minutes')}</th>
                <th scope="col">{t('dash.status')}</th>
                <th scope="col">{t('dash.plan')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => {
                const minutes = minutesToday(m, m.live, now);
                return (
                  <tr key={m.user.id} data-testid="overview-row" data-user-id={m.user.id} data-state={m.live.state}>
                    <th scope="row">
                      <PresenceDot presence={m.live} decorative />
                      <PersonName user={m.user} />
                    </th>
                    <td>{departmentName.get(m.user.departmentId) ?? ''}</td>
                    <td data-testid="overview-state">{t(`presence.${m.live.state}`)}</td>
                    <td>{m.live.state === 'offline' ? '—' : t(`avail.${m.live.availability}`)}</td>
                    <td data-testid="overview-since">
                      {m.live.state === 'teleworking' && m.live.teleworkSince ? (
                        formatTime(m.live.teleworkSince, lang)
                      ) : m.live.state === 'offline' && m.live.lastSeenAt ? (
                        <span className="muted small" data-testid="overview-last-seen">
                          {t('dash.lastSeen', { time: formatDateTime(m.live.lastSeenAt, lang) })}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-testid="overview-minutes">
                      {minutes >= 60 ? t('dash.hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 }) : t('dash.minutesOnly', { m: minutes })}
                    </td>
                    <td className="board__status">{m.live.statusText ?? ''}</td>
                    <td data-testid="overview-plan">
                      <PlanCell planned={todayPlan.get(m.user.id)?.note ?? (todayPlan.has(m.user.id) ? '' : undefined)} teleworking={m.live.state === 'teleworking'} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <section className="dashboard__tomorrow" aria-labelledby="dashboard-tomorrow" data-testid="plans-tomorrow">
            <h2 id="dashboard-tomorrow" className="small">
              {t('dash.tomorrow', { date: planned?.tomorrow ?? '' })}
            </h2>
            {tomorrowPlans.length === 0 ? (
              <p className="muted small">{t('dash.tomorrowNone')}</p>
            ) : (
              <ul className="small">
                {tomorrowPlans.map((p) => (
                  <li key={p.id}>
                    {nameOf.get(p.userId) ?? ''} {p.note ?? ''}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}

/** Today's plan beside the actual state: planned but not started, and teleworking without a plan, stand out. */
function PlanCell({ planned, teleworking }: { planned: string | undefined; teleworking: boolean }) {
  const { t } = useI18n();
  if (planned === undefined) return teleworking ? <span className="board__plan--missing">{t('dash.unplanned')}</span> : <>—</>;
  return (
    <span className={teleworking ? undefined : 'board__plan--missing'}>
      {teleworking ? t('dash.planned') : t('dash.plannedNotStarted')}
      {planned && <span className="muted small"> {planned}</span>}
    </span>
  );
}
