import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Department } from '../../../shared/schemas/directory.js';
import type { Transfer } from '../../../shared/schemas/transfers.js';
import { useApp } from '../app/state';
import { ApiError } from '../net/api';
import { cancelTransfer, listDepartments, listTransfers } from './admin';
import { useWords, type WordKey } from './words';

const STATE_WORDS: Record<Transfer['state'], WordKey> = { pending: 'transferPending', applied: 'transferApplied', cancelled: 'transferCancelled' };

/** Scheduled and past 人事異動; a pending one can be cancelled. Scheduling starts from the staff list. */
export function TransfersPanel() {
  const say = useWords();
  const users = useApp((s) => s.users);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [list, setList] = useState<Transfer[] | null>(null);
  const [error, setError] = useState('');
  const reload = useCallback(() => listTransfers().then((r) => setList(r.transfers), (e: Error) => setError(e.message)), []);
  useEffect(() => {
    void reload();
    void listDepartments().then(setDepartments, () => {});
  }, [reload]);
  const deptName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);

  async function cancel(id: string) {
    setError('');
    try {
      await cancelTransfer(id);
      await reload();
    } catch (e) {
      setError(say('error', { message: e instanceof ApiError ? e.message : String(e) }));
    }
  }

  if (!list) return <p className="muted">{say('loading')}</p>;
  return (
    <div data-testid="admin-transfers">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">{say('transferNone')}</p>
      ) : (
        <table className="admin__table">
          <thead>
            <tr>
              <th scope="col">{say('transferDate')}</th>
              <th scope="col">{say('transferPerson')}</th>
              <th scope="col">{say('transferFrom')}</th>
              <th scope="col">{say('transferTo')}</th>
              <th scope="col">{say('transferState')}</th>
              <th scope="col">
                <span className="visually-hidden">{say('transferCancel')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr key={x.id} data-testid="transfer-row" data-state={x.state}>
                <td>{x.effectiveDate}</td>
                <td>{users[x.userId]?.name ?? x.userId}</td>
                <td>{deptName.get(x.fromDepartmentId) ?? ''}</td>
                <td>{deptName.get(x.toDepartmentId) ?? ''}</td>
                <td>
                  {say(STATE_WORDS[x.state])}
                  {x.note && <span className="muted small"> {x.note}</span>}
                </td>
                <td>
                  {x.state === 'pending' && (
                    <button type="button" className="button button--small" onClick={() => void cancel(x.id)} data-testid="transfer-cancel">
                      {say('transferCancel')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
