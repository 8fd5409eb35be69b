import { Router, type Request, type RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { licenceReportQuerySchema, personReportQuerySchema, teleworkReportQuerySchema } from '../../shared/schemas/reports.js';
import { auditActor } from '../audit/audit.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import { authOf } from '../transport/http.js';
import { parse } from '../transport/validate.js';
import type { ReportsService } from './reports.service.js';

const wantsCsv = (req: Request, format?: string) => format === 'csv' || (format !== 'json' && req.accepts(['json', 'text/csv']) === 'text/csv');

/** Reports: admins, and supervisors of REPORTS_DEPARTMENT_IDS. `Accept: text/csv` (or `format=csv`) gives CSV. */
export function reportsRoutes(reports: ReportsService, audit: AuditService): Router {
  const router = Router();
  const viewer: RequestHandler = (req, _res, next) => {
    if (!reports.mayView(authOf(req).user)) throw new AppError('forbidden', 'reports are for admins and the departments named in REPORTS_DEPARTMENT_IDS');
    next();
  };

  /** Whether to show the reports entry: asked only by supervisors' clients (admins always may). */
  router.get('/reports/access', (req, res) => {
    res.json({ allowed: reports.mayView(authOf(req).user) });
  });

  router.get('/reports/licences', viewer, async (req, res) => {
    const query = parse(licenceReportQuerySchema, req.query);
    const report = await reports.licences(query.from, query.to);
    if (wantsCsv(req, query.format)) {
      res.type('text/csv; charset=utf-8').attachment(`licences-${query.from}_${query.to}.csv`).send(reports.licencesCsv(report));
      return;
    }
    res.json(report);
  });

  router.get('/reports/telework', viewer, async (req, res) => {
    const query = parse(teleworkReportQuerySchema, req.query);
    const report = await reports.telework(query.month, query.departmentId);
    if (wantsCsv(req, query.format)) {
      // Hours per named person leave the system: recorded like any export of personal data.
      await audit.record(auditActor(req), { action: 'report.export', targetType: 'report', summary: `テレワーク実績（${query.month}、${report.people.length}人）をCSVで書き出し` });
      res.type('text/csv; charset=utf-8').attachment(`telework-${query.month}.csv`).send(reports.teleworkCsv(report));
      return;
    }
    res.json(report);
  });

  router.get('/reports/telework/person', viewer, async (req, res) => {
    const query = parse(personReportQuerySchema, req.query);
    const report = await reports.person(query.userId, query.month);
    if (wantsCsv(req, query.format)) {
      await audit.record(auditActor(req), { action: 'report.export', targetType: 'report', targetId: query.userId, summary: `${report.user.name}のテレワーク実績（${query.month}）をCSVで書き出し` });
      res.type('text/csv; charset=utf-8').attachment(`telework-${report.user.staffNo}-${query.month}.csv`).send(reports.personCsv(report));
      return;
    }
    res.json(report);
  });

  return router;
}
