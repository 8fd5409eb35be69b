import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { AUDIT_ACTIONS } from '../../shared/schemas/audit.js';

/** One administrative act. Written once, never changed: the record the IT division keeps. */
const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    actorName: { type: String, required: true },
    ip: { type: String, required: true },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    targetType: { type: String, required: true },
    targetId: { type: Schema.Types.ObjectId },
    summary: { type: String, required: true },
  },
  { collection: 'audit_entries', versionKey: false },
);
// The viewer pages newest first, whole or filtered by action, actor or target.
auditEntrySchema.index({ at: -1, _id: -1 });
auditEntrySchema.index({ action: 1, at: -1 });
auditEntrySchema.index({ actorId: 1, at: -1 });
auditEntrySchema.index({ targetId: 1, at: -1 });

export interface AuditEntryDoc {
  _id: Types.ObjectId;
  at: Date;
  actorId: Types.ObjectId;
  actorName: string;
  ip: string;
  action: (typeof AUDIT_ACTIONS)[number];
  targetType: 'user' | 'department' | 'telework_session' | 'audit' | 'staff' | 'report';
  targetId?: Types.ObjectId;
  summary: string;
}

export function auditEntryModel(conn: Connection): Model<AuditEntryDoc> {
  return (conn.models.AuditEntry as Model<AuditEntryDoc>) ?? conn.model<AuditEntryDoc>('AuditEntry', auditEntrySchema);
}
