import { useEffect, useMemo, useState } from 'react';
import type { AlignedData } from 'uplot';
import type { LicenceReport } from '../../../shared/schemas/reports.js';
import { bars, Chart, legendTime, stepped, timeTicks, tokyo } from './Chart';
import { csvHref, hours, licenceReport, rangeOf, tokyoDateTime, tokyoTime, tokyoToday } from './reports';
import { useWords } from './words';

type Period = 'day' | 'week' | 'month';

/** 情報政策課's view: how full the licence pool was, minute by minute, and who used it how. */
export function LicencePanel() {
  const say = useWords();
  const [period, setPeriod] = useState<Period>('week');
  const [date, setDate] = useState(tokyoToday());
  const range = rangeOf(period, date);
  const [report, setReport] = useState<LicenceReport | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    licenceReport(range.from, range.to).then(
      (r) => live && setReport(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [range.from, range.to]);

  const series = useMemo(() => {
    if (!report) return null;
    const start = Date.parse(report.seriesStart) / 1000;
    const step = report.resolutionMinutes * 60;
    const xs = report.series.map((_, i) => start + i * step);
    const data: AlignedData = [xs, report.series, report.series.map(() => report.capacity)];
    const options = {
      height: 260,
      tzDate: tokyo,
      legend: { show: true },
      scales: { y: { range: (_u: unknown, _min: number, max: number) => [0, Math.max(max, report.capacity) * 1.05] as [number, number] } },
      axes: [{ values: timeTicks }, {}],
      series: [
        { label: say('date'), value: legendTime },
        { label: say('chartConcurrent', { n: report.resolutionMinutes }), stroke: '#1f6feb', fill: 'rgba(31,111,235,0.15)', width: 1.5, paths: stepped },
        { label: say('chartCapacity'), stroke: '#cf222e', dash: [6, 4], width: 1.5, points: { show: false } },
      ],
    };
    return { data, options };
  }, [report, say]);

  const distribution = useMemo(() => {
    if (!report) return null;
    const levels = report.distribution.map((_, k) => k).slice(1);
    const data: AlignedData = [levels, report.distribution.slice(1).map((m) => m / 60)];
    const options = {
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: say('distributionX') }, { label: say('distributionY') }],
      series: [{ label: say('distributionX') }, { label: say('distributionY'), fill: 'rgba(31,111,235,0.5)', stroke: '#1f6feb', paths: bars, points: { show: false } }],
    };
    return { data, options };
  }, [report, say]);

  return (
    <div data-testid="reports-licences" data-shown={report ? `${report.from}_${report.to}` : undefined}>
      <div className="reports__toolbar">
        <label>
          {say('period')}{' '}
          <select className="input" value={period} onChange={(e) => setPeriod(e.target.value as Period)} data-testid="licence-period">
            <option value="day">{say('periodDay')}</option>
            <option value="week">{say('periodWeek')}</option>
            <option value="month">{say('periodMonth')}</option>
          </select>
        </label>
        <label>
          {say('date')}{' '}
          <input className="input" type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} data-testid="licence-date" />
        </label>
        <span className="muted">{say('rangeLabel', range)}</span>
        <a className="button" href={csvHref('/api/reports/licences', range)} download data-testid="licence-csv">
          {say('csv')}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {say('error', { message: error })}
        </p>
      )}
      {!report || !series || !distribution ? (
        !error && <p className="muted">{say('loading')}</p>
      ) : (
        <>
          <dl className="reports__figures" data-testid="licence-figures">
            <div>
              <dt>{say('peak')}</dt>
              <dd>{say('ofCapacity', { peak: report.peak, capacity: report.capacity })}</dd>
            </div>
            <div>
              <dt>{say('fullMinutes')}</dt>
              <dd>{say('minutesValue', { n: report.fullMinutes })}</dd>
            </div>
            <div>
              <dt>{say('refusals')}</dt>
              <dd>{say('countValue', { n: report.refusals })}</dd>
            </div>
            <div>
              <dt>{say('silent')}</dt>
              <dd>{say('countValue', { n: report.silentSessions.count })}</dd>
            </div>
          </dl>
          <h2>{say('chartHeading')}</h2>
          <Chart options={series.options} data={series.data} label={say('chartHeading')} testId="licence-chart" />
          <h2>{say('distributionHeading')}</h2>
          <Chart options={distribution.options} data={distribution.data} label={say('distributionHeading')} testId="licence-distribution" />
          <h2>{say('daysHeading')}</h2>
          <table className="reports__table" data-testid="licence-days">
            <thead>
              <tr>
                <th scope="col">{say('dayDate')}</th>
                <th scope="col">{say('dayPeak')}</th>
                <th scope="col">{say('dayPeakAt')}</th>
                <th scope="col">{say('dayFull')}</th>
                <th scope="col">{say('dayRefusals')}</th>
              </tr>
            </thead>
            <tbody>
              {report.days.map((d) => (
                <tr key={d.date}>
                  <td>{d.date}</td>
                  <td className="num">{d.peak}</td>
                  <td>{d.peakAt ? tokyoTime(d.peakAt) : '—'}</td>
                  <td className="num">{say('minutesValue', { n: d.fullMinutes })}</td>
                  <td className="num">{d.refusals}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{say('deptHeading')}</h2>
          {report.byDepartment.length === 0 ? (
            <p className="muted">{say('none')}</p>
          ) : (
            <table className="reports__table" data-testid="licence-departments">
              <thead>
                <tr>
                  <th scope="col">{say('deptName')}</th>
                  <th scope="col">{say('deptSessions')}</th>
                  <th scope="col">{say('deptPeople')}</th>
                  <th scope="col">{say('deptHours')}</th>
                  <th scope="col">{say('deptPeak')}</th>
                  <th scope="col">{say('deptSilent')}</th>
                  <th scope="col">{say('deptRefusals')}</th>
                </tr>
              </thead>
              <tbody>
                {report.byDepartment.map((d) => (
                  <tr key={d.departmentId}>
                    <td>{d.name}</td>
                    <td className="num">{d.sessions}</td>
                    <td className="num">{d.people}</td>
                    <td className="num">{hours(d.minutes)}</td>
                    <td className="num">{d.peak}</td>
                    <td className="num">{d.silentSessions}</td>
                    <td className="num">{d.refusals}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{say('silentHeading')}</h2>
          <p className="muted">{say('silentHint')}</p>
          {report.silentSessions.sessions.length === 0 ? (
            <p className="muted">{say('none')}</p>
          ) : (
            <table className="reports__table" data-testid="licence-silent">
              <thead>
                <tr>
                  <th scope="col">{say('silentName')}</th>
                  <th scope="col">{say('deptName')}</th>
                  <th scope="col">{say('silentStart')}</th>
                  <th scope="col">{say('silentEnd')}</th>
                  <th scope="col">{say('deptHours')}</th>
                </tr>
              </thead>
              <tbody>
                {report.silentSessions.sessions.map((s) => (
                  <tr key={`${s.userId}-${s.startedAt}`}>
                    <td>{s.name}</td>
                    <td>{s.departmentName}</td>
                    <td>{tokyoDateTime(s.startedAt)}</td>
                    <td>{s.endedAt ? tokyoDateTime(s.endedAt) : say('silentOpen')}</td>
                    <td className="num">{hours(s.minutes)}</td>
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
