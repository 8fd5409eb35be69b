import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { User } from '../../../shared/schemas/auth.js';
import type { Department } from '../../../shared/schemas/directory.js';
import { ApiError } from '../net/api';
import { nextRotationDate, scheduleTransfers } from './admin';
import { DepartmentSelect } from './DepartmentsPanel';
import { holdEnterWhileConverting } from './ime';
import { useWords } from './words';

/** 人事異動: the selected people to one department on one date (the next 4月1日 by default). */
export function TransferDialog({ people, ordered, onClose, onDone }: { people: User[]; ordered: { department: Department; depth: number }[]; onClose: () => void; onDone: (message: string) => void }) {
  const say = useWords();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [to, setTo] = useState(ordered[0]?.department.id ?? '');
  const [date, setDate] = useState(nextRotationDate());
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const done = await scheduleTransfers(date, people.map((p) => ({ userId: p.id, departmentId: to })), note.trim() || undefined);
      onDone(say('transferScheduled', { n: done.length, date }));
      onClose();
    } catch (err) {
      setError(say('error', { message: err instanceof ApiError ? err.message : String(err) }));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-h`} onClose={onClose} onKeyDown={holdEnterWhileConverting} data-testid="transfer-dialog">
      <form className="dialog__body" onSubmit={submit}>
        <h2 id={`${id}-h`}>{say('transferSelected', { n: people.length })}</h2>
        <p className="small">{people.map((p) => p.name).join('、')}</p>
        <div className="admin__form">
          <div className="field">
            <label htmlFor={`${id}-to`}>{say('transferTo')}</label>
            <DepartmentSelect id={`${id}-to`} ordered={ordered} value={to} onChange={setTo} testId="transfer-to" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-date`}>{say('transferDate')}</label>
            <input id={`${id}-date`} className="input" type="date" required value={date} onChange={(e) => setDate(e.target.value)} data-testid="transfer-date" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>{say('transferNote')}</label>
            <input id={`${id}-note`} className="input" maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
        </div>
        {error && (
          <p className="error" role="alert" data-testid="transfer-error">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {say('cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !to} data-testid="transfer-submit">
            {say('transferSchedule')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
