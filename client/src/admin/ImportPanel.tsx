import { useEffect, useId, useState } from 'react';
import type { StaffImportResult } from '../../../shared/schemas/staff-import.js';
import { ApiError } from '../net/api';
import { onImportProgress } from '../net/socket';
import { importStaff, type ImportOptions } from './admin';
import { useWords, type WordKey } from './words';

const RESULT_WORDS: Record<StaffImportResult['rows'][number]['result'], WordKey> = {
  new: 'resultNew',
  changed: 'resultChanged',
  unchanged: 'resultUnchanged',
  error: 'resultError',
};

/**
 * The personnel system's staff file: check it first (a dry run: every row's result, nothing written),
 * then import it with progress. The same file may be imported again: rows are matched by staff number.
 */
export function ImportPanel() {
  const say = useWords();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [options, setOptions] = useState<ImportOptions>({ encoding: 'auto', createDepartments: true, disableMissing: false });
  const [result, setResult] = useState<StaffImportResult | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => onImportProgress(setProgress), []);

  async function send(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setError('');
    setProgress(null);
    try {
      setResult(await importStaff(file, options, dryRun));
    } catch (e) {
      setError(say('error', { message: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  }

  const change = (patch: Partial<ImportOptions>) => {
    setOptions((o) => ({ ...o, ...patch }));
    setResult(null); // a check holds for the options it was made with
  };

  return (
    <div data-testid="admin-import">
      <p className="muted small">{say('importColumns')}</p>
      <div className="admin__toolbar">
        <div className="field">
          <label htmlFor={`${id}-file`}>{say('importFile')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult(null);
            }}
            data-testid="import-file"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-enc`}>{say('importEncoding')}</label>
          <select id={`${id}-enc`} className="input" value={options.encoding} onChange={(e) => change({ encoding: e.target.value as ImportOptions['encoding'] })} data-testid="import-encoding">
            <option value="auto">{say('importAuto')}</option>
            <option value="shift_jis">Shift_JIS</option>
            <option value="utf-8">UTF-8</option>
          </select>
        </div>
        <a className="button" href="/api/admin/export/users" download="staff.csv" data-testid="import-export">
          {say('importExport')}
        </a>
      </div>
      <label className="small">
        <input type="checkbox" checked={options.createDepartments} onChange={(e) => change({ createDepartments: e.target.checked })} /> {say('importCreateDepts')}
      </label>
      <br />
      <label className="small">
        <input type="checkbox" checked={options.disableMissing} onChange={(e) => change({ disableMissing: e.target.checked })} data-testid="import-disable-missing" />{' '}
        {say('importDisableMissing')}
      </label>
      <div className="admin__toolbar">
        <button type="button" className="button" disabled={!file || busy} onClick={() => void send(true)} data-testid="import-check">
          {say('importDryRun')}
        </button>
        <button type="button" className="button button--primary" disabled={!file || busy || !result?.dryRun} onClick={() => void send(false)} data-testid="import-run">
          {say('importRun')}
        </button>
      </div>
      {progress && (
        <div role="status" data-testid="import-progress">
          <progress max={progress.total} value={progress.done} /> {say('importRunning', progress)}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <section aria-live="polite" data-testid="import-result" data-dry-run={String(result.dryRun)}>
          {!result.dryRun && <p className="admin__notice">{say('importDone')}</p>}
          <p data-testid="import-counts">{say('importCounts', result.counts)}</p>
          <p className="muted small">{say('importDetected', { encoding: result.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8' })}</p>
          {result.newDepartments.length > 0 && <p className="small">{say('importNewDepts', { list: result.newDepartments.join('、') })}</p>}
          {result.disabled.length > 0 && (
            <p className="small">
              {say('importWillDisable', { n: result.disabled.length })}: {result.disabled.map((d) => `${d.name}（${d.staffNo}）`).join('、')}
            </p>
          )}
          <table className="admin__table">
            <thead>
              <tr>
                <th scope="col">{say('importRow')}</th>
                <th scope="col">{say('staffNo')}</th>
                <th scope="col">{say('importResult')}</th>
                <th scope="col">{say('importMessage')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows
                // Errors first: they are what the admin must act on.
                .filter((r) => r.result !== 'unchanged')
                .sort((a, b) => Number(b.result === 'error') - Number(a.result === 'error') || a.row - b.row)
                .slice(0, 500)
                .map((r) => (
                  <tr key={r.row} data-testid="import-row" data-result={r.result}>
                    <td>{r.row}</td>
                    <td>{r.staffNo ?? ''}</td>
                    <td>{say(RESULT_WORDS[r.result])}</td>
                    <td>{r.message ?? ''}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
