import { useEffect, useState } from 'react';
import type { Department } from '../../../shared/schemas/directory.js';
import type { PersonReport, TeleworkReport } from '../../../shared/schemas/reports.js';
import { csvHref, hours, listDepartments, personReport, teleworkReport, tokyoTime, tokyoToday } from './reports';
import { useWords } from './words';

/** 人事課's view: per person per month, days teleworked and hours; one person's days on demand. */
export function TeleworkPanel() {
  const say = useWords();
  const [month, setMonth] = useState(tokyoToday().slice(0, 7));
  const [departmentId, setDepartmentId] = useState('');
  const [departments, setDepartments] = useState<Department[]>([]);
  const [report, setReport] = useState<TeleworkReport | null>(null);
  const [person, setPerson] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    void listDepartments().then(setDepartments, () => {});
  }, []);
  useEffect(() => {
    let live = true;
    setError('');
    teleworkReport(month, departmentId || undefined).then(
      (r) => live && setReport(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [month, departmentId]);

  if (person) return <PersonDays userId={person} month={month} onBack={() => setPerson(null)} />;
  return (
    <div data-testid="reports-telework" data-shown={report?.month}>
      <div className="reports__toolbar">
        <label>
          {say('month')}{' '}
          <input className="input" type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} data-testid="telework-month" />
        </label>
        <select className="input" aria-label={say('department')} value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
          <option value="">{say('allDepartments')}</option>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <a className="button" href={csvHref('/api/reports/telework', { month, departmentId })} download data-testid="telework-csv">
          {say('csv')}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {say('error', { message: error })}
        </p>
      )}
      {!report ? (
        !error && <p className="muted">{say('loading')}</p>
      ) : (
        <>
          <h2>{say('deptHeading')}</h2>
          {report.byDepartment.length === 0 ? (
            <p className="muted">{say('none')}</p>
          ) : (
            <table className="reports__table">
              <thead>
                <tr>
                  <th scope="col">{say('deptName')}</th>
                  <th scope="col">{say('deptPeople')}</th>
                  <th scope="col">{say('days')}</th>
                  <th scope="col">{say('hours')}</th>
                </tr>
              </thead>
              <tbody>
                {report.byDepartment.map((d) => (
                  <tr key={d.departmentId}>
                    <td>{d.name}</td>
                    <td className="num">{d.people}</td>
                    <td className="num">{d.days}</td>
                    <td className="num">{hours(d.minutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{say('teleworkHeading', { month: report.month })}</h2>
          {report.people.length === 0 ? (
            <p className="muted">{say('none')}</p>
          ) : (
            <table className="reports__table" data-testid="telework-people">
              <thead>
                <tr>
                  <th scope="col">{say('staffNo')}</th>
                  <th scope="col">{say('name')}</th>
                  <th scope="col">{say('department')}</th>
                  <th scope="col">{say('days')}</th>
                  <th scope="col">{say('hours')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{say('perDay')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.people.map((p) => (
                  <tr key={p.userId}>
                    <td>{p.staffNo}</td>
                    <td>{p.name}</td>
                    <td>{p.departmentName}</td>
                    <td className="num">{p.days}</td>
                    <td className="num">{hours(p.minutes)}</td>
                    <td>
                      <button type="button" className="button button--quiet" onClick={() => setPerson(p.userId)} aria-label={`${p.name} ${say('perDay')}`}>
                        {say('perDay')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function PersonDays({ userId, month, onBack }: { userId: string; month: string; onBack: () => void }) {
  const say = useWords();
  const [report, setReport] = useState<PersonReport | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    personReport(userId, month).then(
      (r) => live && setReport(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [userId, month]);
  // A day's last end at the next midnight reads 24:00, as on a timesheet.
  const end = (iso: string) => (iso.endsWith('T15:00:00.000Z') ? '24:00' : tokyoTime(iso));
  return (
    <div data-testid="reports-person">
      <div className="reports__toolbar">
        <button type="button" className="button" onClick={onBack}>
          {say('back')}
        </button>
        <a className="button" href={csvHref('/api/reports/telework/person', { userId, month })} download data-testid="person-csv">
          {say('csv')}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {say('error', { message: error })}
        </p>
      )}
      {!report ? (
        !error && <p className="muted">{say('loading')}</p>
      ) : (
        <>
          <h2>{say('personHeading', { name: report.user.name, staffNo: report.user.staffNo, month })}</h2>
          <p>{say('total', { h: hours(report.totalMinutes) })}</p>
          {report.days.length === 0 ? (
            <p className="muted">{say('none')}</p>
          ) : (
            <table className="reports__table">
              <thead>
                <tr>
                  <th scope="col">{say('dayDate')}</th>
                  <th scope="col">{say('firstStart')}</th>
                  <th scope="col">{say('lastEnd')}</th>
                  <th scope="col">{say('sessions')}</th>
                  <th scope="col">{say('hours')}</th>
                </tr>
              </thead>
              <tbody>
                {report.days.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{tokyoTime(d.firstStart)}</td>
                    <td>{d.open ? say('silentOpen') : end(d.lastEnd)}</td>
                    <td className="num">{d.sessions}</td>
                    <td className="num">{hours(d.minutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
