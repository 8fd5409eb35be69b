import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { User } from '../../../shared/schemas/auth.js';
import type { Department } from '../../../shared/schemas/directory.js';
import { ApiError } from '../net/api';
import { createStaff, resetPassword, updateStaff } from './admin';
import { DepartmentSelect } from './DepartmentsPanel';
import { holdEnterWhileConverting } from './ime';
import { roleLabel } from './StaffPanel';
import { useWords } from './words';

interface Props {
  /** null: register a new person. */
  person: User | null;
  ordered: { department: Department; depth: number }[];
  onClose: () => void;
  onSaved: (message: string) => void;
}

/** Register or edit a person; for an existing one also disable/enable and reset the password. */
export function StaffDialog({ person, ordered, onClose, onSaved }: Props) {
  const say = useWords();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [form, setForm] = useState({
    loginId: '',
    password: '',
    staffNo: '',
    name: person?.name ?? '',
    nameKana: person?.nameKana ?? '',
    title: person?.title ?? '',
    departmentId: person?.departmentId ?? ordered[0]?.department.id ?? '',
    role: person?.role ?? 'staff',
  });
  const [error, setError] = useState('');
  const [temporary, setTemporary] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  const field = (key: keyof typeof form, label: string, extra: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        className="input"
        value={form[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
        data-testid={`staff-form-${key}`}
        {...extra}
      />
    </div>
  );

  async function run(work: () => Promise<string | void>) {
    setBusy(true);
    setError('');
    try {
      const message = await work();
      if (message) {
        onSaved(message);
        onClose();
      }
    } catch (e) {
      setError(say('error', { message: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const common = { name: form.name.trim(), nameKana: form.nameKana.trim(), departmentId: form.departmentId, role: form.role };
      if (!person) {
        const created = await createStaff({
          ...common,
          loginId: form.loginId.trim(),
          password: form.password,
          staffNo: form.staffNo.trim(),
          ...(form.title.trim() ? { title: form.title.trim() } : {}),
        });
        return say('created', { name: created.name });
      }
      await updateStaff(person.id, { ...common, title: form.title.trim() });
      return say('saved');
    });
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-h`} onClose={onClose} onKeyDown={holdEnterWhileConverting} data-testid="staff-dialog">
      <form className="dialog__body" onSubmit={submit}>
        <h2 id={`${id}-h`}>{person ? `${say('staffEdit')}: ${person.name}（${person.loginId}）` : say('staffNew')}</h2>
        <div className="admin__form">
          {!person && field('loginId', say('loginId'), { required: true, autoComplete: 'off', spellCheck: false, maxLength: 64 })}
          {!person && field('password', say('initialPassword'), { required: true, type: 'password', autoComplete: 'new-password', minLength: 8 })}
          {!person && field('staffNo', say('staffNo'), { required: true, maxLength: 20 })}
          {field('name', say('name'), { required: true, maxLength: 100 })}
          {field('nameKana', say('nameKana'), { required: true, maxLength: 100 })}
          {field('title', say('title'), { maxLength: 100 })}
          <div className="field">
            <label htmlFor={`${id}-dept`}>{say('department')}</label>
            <DepartmentSelect id={`${id}-dept`} ordered={ordered} value={form.departmentId} onChange={(v) => setForm((f) => ({ ...f, departmentId: v }))} testId="staff-form-department" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>{say('role')}</label>
            <select id={`${id}-role`} className="input" value={form.role} onChange={(e) => setForm((f) => ({ ...f, role: e.target.value as User['role'] }))} data-testid="staff-form-role">
              {(['staff', 'supervisor', 'admin'] as const).map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r, say)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {person && (
          <div className="admin__toolbar">
            <button
              type="button"
              className={`button${person.disabled ? '' : ' button--danger'}`}
              disabled={busy}
              onClick={() => void run(async () => (await updateStaff(person.id, { disabled: !person.disabled }), say('saved')))}
              data-testid="staff-toggle-disabled"
            >
              {person.disabled ? say('enable') : say('disable')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => void run(async () => setTemporary((await resetPassword(person.id)).temporaryPassword))} data-testid="staff-reset-password">
              {say('resetPassword')}
            </button>
            {!person.disabled && <p className="muted small">{say('disableHint')}</p>}
          </div>
        )}
        {temporary && (
          <p className="admin__notice" role="status" data-testid="staff-temporary-password">
            {say('temporaryPassword', { password: temporary })}
          </p>
        )}
        {error && (
          <p className="error" role="alert" data-testid="staff-form-error">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {say('close')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="staff-form-save">
            {say('save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
