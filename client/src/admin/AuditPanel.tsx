import { useEffect, useState } from 'react';
import { AUDIT_ACTIONS } from '../../../shared/constants.js';
import type { AuditPage } from '../../../shared/schemas/audit.js';
import { listAudit } from './admin';
import { useWords } from './words';

const timeFormat = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'short', timeStyle: 'medium' });

/** The audit log, newest first, 50 a page, filtered by action; the same selection as CSV. */
export function AuditPanel() {
  const say = useWords();
  const [action, setAction] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    listAudit({ page, ...(action ? { action } : {}) }).then(
      (r) => live && setResult(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [action, page]);
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  const csvHref = `/api/admin/audit?format=csv${action ? `&action=${action}` : ''}`;

  return (
    <div data-testid="admin-audit">
      <div className="admin__toolbar">
        <select
          className="input"
          aria-label={say('auditAction')}
          value={action}
          onChange={(e) => {
            setAction(e.target.value);
            setPage(1);
          }}
          data-testid="audit-filter-action"
        >
          <option value="">{say('auditAllActions')}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <a className="button" href={csvHref} download="audit-log.csv" data-testid="audit-csv">
          {say('auditCsv')}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {say('error', { message: error })}
        </p>
      )}
      {!result ? (
        <p className="muted">{say('loading')}</p>
      ) : result.entries.length === 0 ? (
        <p className="muted">{say('auditNone')}</p>
      ) : (
        <table className="admin__table">
          <thead>
            <tr>
              <th scope="col">{say('auditAt')}</th>
              <th scope="col">{say('auditActor')}</th>
              <th scope="col">{say('auditAction')}</th>
              <th scope="col">{say('auditSummary')}</th>
              <th scope="col">{say('auditIp')}</th>
            </tr>
          </thead>
          <tbody>
            {result.entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td>{timeFormat.format(new Date(e.at))}</td>
                <td>{e.actorName}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.summary}</td>
                <td>{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="admin__pager">
        <button type="button" className="button button--small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {say('prev')}
        </button>
        <span>{say('staffPage', { page, pages })}</span>
        <button type="button" className="button button--small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {say('next')}
        </button>
      </div>
    </div>
  );
}
