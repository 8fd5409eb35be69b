import { Types, type Connection, type Model, type QueryFilter } from 'mongoose';
import type { User } from '../../shared/schemas/auth.js';
import { AUDIT_PAGE_SIZE, type AuditAction, type AuditEntry, type AuditPage, type AuditQuery } from '../../shared/schemas/audit.js';
import { toCsv } from '../lib/csv.js';
import { tokyoDateTime, tokyoMidnight } from '../lib/tokyo.js';
import { log } from '../log.js';
import { auditEntryModel, type AuditEntryDoc } from './audit-entry.model.js';

/** Who acted, and from where: taken from the session and the request, never from a payload. */
export interface Actor {
  user: User;
  ip: string;
}

export interface AuditRecord {
  action: AuditAction;
  targetType: AuditEntry['targetType'];
  targetId?: string;
  summary: string;
}

/** The most rows one CSV export carries (the viewer filters by date or action for older ones). */
export const AUDIT_EXPORT_MAX = 50_000;

/** The audit log: the only writer of `audit_entries`. Entries are inserted, never changed. */
export class AuditService {
  private readonly entries: Model<AuditEntryDoc>;

  constructor(conn: Connection) {
    this.entries = auditEntryModel(conn);
  }

  async init(): Promise<void> {
    await this.entries.createIndexes();
  }

  /**
   * Records one act after it succeeded (one insert). The act itself is already done; a failure to
   * record is logged as an error rather than turned into a failed answer for a change that happened.
   */
  async record(actor: Actor, entry: AuditRecord): Promise<void> {
    try {
      await this.entries.collection.insertOne({
        _id: new Types.ObjectId(),
        at: new Date(),
        actorId: new Types.ObjectId(actor.user.id),
        actorName: actor.user.name,
        ip: actor.ip,
        action: entry.action,
        targetType: entry.targetType,
        ...(entry.targetId ? { targetId: new Types.ObjectId(entry.targetId) } : {}),
        summary: entry.summary,
      });
    } catch (err) {
      log.error({ err, action: entry.action, actorId: actor.user.id }, 'audit: an administrative act could not be recorded');
    }
  }

  /** Newest first, a page at a time: one count and one find. */
  async page(query: AuditQuery): Promise<AuditPage> {
    const filter = filterOf(query);
    const page = query.page ?? 1;
    const [total, docs] = await Promise.all([
      this.entries.countDocuments(filter),
      this.entries.find(filter).sort({ at: -1, _id: -1 }).skip((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE).lean<AuditEntryDoc[]>(),
    ]);
    return { entries: docs.map(toDto), total, page, pageSize: AUDIT_PAGE_SIZE };
  }

  /** Every matching entry (up to AUDIT_EXPORT_MAX) as CSV for Excel, times in Asia/Tokyo. */
  async csv(query: AuditQuery): Promise<string> {
    const docs = await this.entries.find(filterOf(query)).sort({ at: -1, _id: -1 }).limit(AUDIT_EXPORT_MAX).lean<AuditEntryDoc[]>();
    return toCsv(
      ['日時 (JST)', '操作', '実行者', '実行者ID', 'アドレス', '対象種別', '対象ID', '内容'],
      docs.map((d) => [tokyoDateTime(d.at), d.action, d.actorName, d.actorId.toString(), d.ip, d.targetType, d.targetId?.toString() ?? '', d.summary]),
    );
  }
}

function filterOf(query: AuditQuery): QueryFilter<AuditEntryDoc> {
  const filter: QueryFilter<AuditEntryDoc> = {};
  if (query.action) filter.action = query.action;
  if (query.actorId) filter.actorId = new Types.ObjectId(query.actorId);
  if (query.targetId) filter.targetId = new Types.ObjectId(query.targetId);
  if (query.from || query.to) {
    filter.at = {
      ...(query.from ? { $gte: tokyoMidnight(query.from) } : {}),
      // `to` is a whole day: up to the next midnight.
      ...(query.to ? { $lt: new Date(tokyoMidnight(query.to).getTime() + 86_400_000) } : {}),
    };
  }
  return filter;
}

function toDto(d: AuditEntryDoc): AuditEntry {
  return {
    id: d._id.toString(),
    at: d.at.toISOString(),
    actorId: d.actorId.toString(),
    actorName: d.actorName,
    ip: d.ip,
    action: d.action,
    targetType: d.targetType,
    ...(d.targetId ? { targetId: d.targetId.toString() } : {}),
    summary: d.summary,
  };
}
