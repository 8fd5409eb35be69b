import { useEffect, useMemo, useRef, useState } from 'react';
import type { AdminUsersPage } from '../../../shared/schemas/accounts.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { Department } from '../../../shared/schemas/directory.js';
import { listDepartments, listStaff, treeOrder, type StaffQuery } from './admin';
import { DepartmentSelect } from './DepartmentsPanel';
import { StaffDialog } from './StaffDialog';
import { TransferDialog } from './TransferDialog';
import { useWords, type Say } from './words';

export function roleLabel(role: User['role'], say: Say): string {
  return role === 'admin' ? say('roleAdmin') : role === 'supervisor' ? say('roleSupervisor') : say('roleStaff');
}

/**
 * The staff list for 3,000+ people: searched and filtered on the server, a page (50) at a time.
 * The search waits for a pause in typing, and for the end of an IME conversion.
 */
export function StaffPanel() {
  const say = useWords();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState<StaffQuery>({ page: 1 });
  const [result, setResult] = useState<AdminUsersPage | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  // 人事異動: people chosen across pages and searches, by id.
  const [selected, setSelected] = useState<Map<string, User>>(new Map());
  const [transferring, setTransferring] = useState(false);
  const composing = useRef(false);
  const ordered = useMemo(() => treeOrder(departments), [departments]);
  const deptName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);

  useEffect(() => void listDepartments().then(setDepartments, () => {}), []);
  useEffect(() => {
    let live = true;
    listStaff(query).then(
      (page) => live && setResult(page),
      (e: Error) => live && setError(say('error', { message: e.message })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `say` changes with the language only
  }, [query]);
  // Search after a pause in typing (never mid-conversion).
  useEffect(() => {
    if (composing.current) return;
    const timer = setTimeout(() => setQuery((q) => (q.q === (typed.trim() || undefined) ? q : { ...q, q: typed.trim() || undefined, page: 1 })), 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const set = (patch: Partial<StaffQuery>) => setQuery((q) => ({ ...q, ...patch, page: patch.page ?? 1 }));
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;

  return (
    <div data-testid="admin-staff">
      <div className="admin__toolbar">
        <input
          className="input"
          type="search"
          placeholder={say('staffSearch')}
          aria-label={say('staffSearch')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onCompositionStart={() => (composing.current = true)}
          onCompositionEnd={(e) => {
            composing.current = false;
            setTyped(e.currentTarget.value);
          }}
          data-testid="staff-search"
        />
        <DepartmentSelect ordered={ordered} value={query.departmentId ?? ''} onChange={(id) => set({ departmentId: id || undefined })} topLabel={say('staffAllDepts')} label={say('department')} testId="staff-filter-dept" />
        <select className="input" aria-label={say('role')} value={query.role ?? ''} onChange={(e) => set({ role: e.target.value || undefined })} data-testid="staff-filter-role">
          <option value="">{say('staffAllRoles')}</option>
          {(['staff', 'supervisor', 'admin'] as const).map((r) => (
            <option key={r} value={r}>
              {roleLabel(r, say)}
            </option>
          ))}
        </select>
        <select className="input" aria-label={say('disabledMark')} value={query.disabled ?? ''} onChange={(e) => set({ disabled: e.target.value || undefined })} data-testid="staff-filter-disabled">
          <option value="">{say('staffAnyState')}</option>
          <option value="false">{say('staffActive')}</option>
          <option value="true">{say('staffDisabled')}</option>
        </select>
        <button type="button" className="button button--primary" onClick={() => setEditing('new')} data-testid="staff-new">
          {say('staffNew')}
        </button>
        <button type="button" className="button" disabled={selected.size === 0} onClick={() => setTransferring(true)} data-testid="staff-transfer">
          {say('transferSelected', { n: selected.size })}
        </button>
      </div>
      {notice && (
        <p className="admin__notice" role="status" data-testid="staff-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!result ? (
        <p className="muted">{say('loading')}</p>
      ) : (
        <>
          <p className="muted small" aria-live="polite" data-testid="staff-total">
            {say('staffTotal', { n: result.total })}
          </p>
          <table className="admin__table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{say('select')}</span>
                </th>
                <th scope="col">{say('staffNo')}</th>
                <th scope="col">{say('name')}</th>
                <th scope="col">{say('loginId')}</th>
                <th scope="col">{say('department')}</th>
                <th scope="col">{say('role')}</th>
                <th scope="col">
                  <span className="visually-hidden">{say('staffEdit')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.users.map((u) => (
                <tr key={u.id} className={u.disabled ? 'admin__row--disabled' : undefined} data-testid="staff-row" data-login-id={u.loginId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={say('selectPerson', { name: u.name })}
                      checked={selected.has(u.id)}
                      onChange={(e) =>
                        setSelected((s) => {
                          const next = new Map(s);
                          if (e.target.checked) next.set(u.id, u);
                          else next.delete(u.id);
                          return next;
                        })
                      }
                      data-testid="staff-select"
                    />
                  </td>
                  <td>{u.staffNo}</td>
                  <td>
                    <ruby>
                      {u.name}
                      <rt>{u.nameKana}</rt>
                    </ruby>
                    {u.title && <span className="muted small"> {u.title}</span>}
                    {u.disabled && <span className="admin__badge">{say('disabledMark')}</span>}
                  </td>
                  <td>{u.loginId}</td>
                  <td>{deptName.get(u.departmentId) ?? ''}</td>
                  <td>{roleLabel(u.role, say)}</td>
                  <td>
                    <button type="button" className="button button--small" onClick={() => setEditing(u)} aria-label={`${say('staffEdit')}: ${u.name}`} data-testid="staff-edit">
                      {say('staffEdit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="admin__pager">
            <button type="button" className="button button--small" disabled={result.page <= 1} onClick={() => set({ page: result.page - 1 })} data-testid="staff-prev">
              {say('prev')}
            </button>
            <span data-testid="staff-page">{say('staffPage', { page: result.page, pages })}</span>
            <button type="button" className="button button--small" disabled={result.page >= pages} onClick={() => set({ page: result.page + 1 })} data-testid="staff-next">
              {say('next')}
            </button>
          </div>
        </>
      )}
      {transferring && (
        <TransferDialog
          people={[...selected.values()]}
          ordered={ordered}
          onClose={() => setTransferring(false)}
          onDone={(message) => {
            setNotice(message);
            setSelected(new Map());
          }}
        />
      )}
      {editing && (
        <StaffDialog
          person={editing === 'new' ? null : editing}
          ordered={ordered}
          onClose={() => setEditing(null)}
          onSaved={(message) => {
            setNotice(message);
            setQuery((q) => ({ ...q }));
          }}
        />
      )}
    </div>
  );
}
