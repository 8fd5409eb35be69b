import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Department } from '../../../shared/schemas/directory.js';
import { ApiError } from '../net/api';
import { createDepartment, listDepartments, retireDepartment, subtreeOf, treeOrder, updateDepartment } from './admin';
import { holdEnterWhileConverting } from './ime';
import { useWords } from './words';

/** The department tree: add, rename, move under another parent, retire (only when empty). */
export function DepartmentsPanel() {
  const say = useWords();
  const [departments, setDepartments] = useState<Department[] | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const reload = useCallback(() => listDepartments().then(setDepartments, (e: Error) => setError(e.message)), []);
  useEffect(() => void reload(), [reload]);
  const ordered = useMemo(() => treeOrder(departments ?? []), [departments]);

  async function act(work: () => Promise<unknown>) {
    setError('');
    try {
      await work();
      await reload();
    } catch (e) {
      setError(say('error', { message: e instanceof ApiError ? e.message : String(e) }));
    }
  }

  function add(e: FormEvent) {
    e.preventDefault();
    void act(async () => {
      await createDepartment(name.trim(), parentId || null);
      setName('');
    });
  }

  if (!departments) return <p className="muted">{say('loading')}</p>;
  return (
    <div data-testid="admin-departments">
      <form className="admin__toolbar" onSubmit={add} onKeyDown={holdEnterWhileConverting} aria-label={say('deptNew')}>
        <div className="field">
          <label htmlFor="dept-new-name">{say('deptName')}</label>
          <input id="dept-new-name" className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="dept-new-name" />
        </div>
        <div className="field">
          <label htmlFor="dept-new-parent">{say('deptParent')}</label>
          <DepartmentSelect id="dept-new-parent" ordered={ordered} value={parentId} onChange={setParentId} topLabel={say('deptTop')} testId="dept-new-parent" />
        </div>
        <button type="submit" className="button button--primary" data-testid="dept-create">
          {say('deptCreate')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="dept-error">
          {error}
        </p>
      )}
      <p className="muted small">
        {say('deptCount', { n: departments.length })} — {say('deptEmptyOnly')}
      </p>
      <ul className="admin__depts" aria-label={say('tabDepartments')}>
        {ordered.map(({ department, depth }) => (
          <DepartmentRow key={department.id} department={department} depth={depth} ordered={ordered} all={departments} act={act} />
        ))}
      </ul>
    </div>
  );
}

function DepartmentRow({
  department,
  depth,
  ordered,
  all,
  act,
}: {
  department: Department;
  depth: number;
  ordered: { department: Department; depth: number }[];
  all: Department[];
  act: (work: () => Promise<unknown>) => Promise<void>;
}) {
  const say = useWords();
  const [mode, setMode] = useState<'view' | 'rename' | 'move'>('view');
  const [name, setName] = useState(department.name);
  const [parent, setParent] = useState(department.parentId ?? '');
  // Nowhere under itself: the server refuses that too (409).
  const blocked = useMemo(() => (mode === 'move' ? subtreeOf(all, department.id) : new Set<string>()), [mode, all, department.id]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const patch = mode === 'rename' ? { name: name.trim() } : { parentId: parent || null };
    void act(() => updateDepartment(department.id, patch)).then(() => setMode('view'));
  };
  const retire = () => {
    if (window.confirm(say('deptRetireConfirm', { name: department.name }))) void act(() => retireDepartment(department.id));
  };

  return (
    <li className="admin__dept-row" style={{ paddingInlineStart: `${depth * 20}px` }} data-testid="dept-row" data-dept-id={department.id}>
      {mode === 'view' ? (
        <>
          <span className="admin__dept-name">{department.name}</span>
          <button type="button" className="button button--small" onClick={() => setMode('rename')} aria-label={`${say('deptRename')}: ${department.name}`}>
            {say('deptRename')}
          </button>
          <button type="button" className="button button--small" onClick={() => setMode('move')} aria-label={`${say('deptMove')}: ${department.name}`}>
            {say('deptMove')}
          </button>
          <button type="button" className="button button--small button--danger" onClick={retire} aria-label={`${say('deptRetire')}: ${department.name}`} data-testid="dept-retire">
            {say('deptRetire')}
          </button>
        </>
      ) : (
        <form className="admin__dept-name admin__toolbar" onSubmit={save} onKeyDown={holdEnterWhileConverting}>
          {mode === 'rename' ? (
            <input className="input" aria-label={say('deptName')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus />
          ) : (
            <DepartmentSelect ordered={ordered.filter((o) => !blocked.has(o.department.id))} value={parent} onChange={setParent} topLabel={say('deptTop')} label={say('deptParent')} />
          )}
          <button type="submit" className="button button--small button--primary">
            {say('save')}
          </button>
          <button type="button" className="button button--small" onClick={() => setMode('view')}>
            {say('cancel')}
          </button>
        </form>
      )}
    </li>
  );
}

/** A department picker in tree order, indented by depth. */
export function DepartmentSelect({
  id,
  ordered,
  value,
  onChange,
  topLabel,
  label,
  testId,
}: {
  id?: string;
  ordered: { department: Department; depth: number }[];
  value: string;
  onChange: (id: string) => void;
  topLabel?: string;
  label?: string;
  testId?: string;
}) {
  return (
    <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={testId}>
      {topLabel !== undefined && <option value="">{topLabel}</option>}
      {ordered.map(({ department, depth }) => (
        <option key={department.id} value={department.id}>
          {'\u3000'.repeat(depth)}
          {department.name}
        </option>
      ))}
    </select>
  );
}
