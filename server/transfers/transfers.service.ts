import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import type { ScheduleTransfersBody, Transfer } from '../../shared/schemas/transfers.js';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { log } from '../log.js';
import { tokyoDate } from '../lib/tokyo.js';
import { transferModel, type TransferDoc } from './transfer.model.js';


/**
 * 人事異動: the only writer of `transfers`. Scheduled moves wait in the database, and every process
 * sweeps them once a minute (and at once after scheduling): the moves due by today (Asia/Tokyo) are
 * applied through the directory, then marked applied. Applying is idempotent (moving someone where
 * they already are changes nothing), so two processes sweeping at once, or a process that dies
 * between the move and the mark, leave the same result: decided in the database, not in a timer.
 */
export class TransfersService {
  private readonly transfers: Model<TransferDoc>;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    conn: Connection,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly sweepMs: number,
  ) {
    this.transfers = transferModel(conn);
  }

  async init(): Promise<void> {
    await this.transfers.createIndexes();
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.sweepMs);
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Schedules moves for one date. Checked first — the date is today or later, every person and
   * department exists (404) — then one insert; a person's earlier pending move is replaced (the
   * latest plan for them stands). Moves due today apply at once.
   */
  async schedule(admin: User, input: ScheduleTransfersBody): Promise<Transfer[]> {
    const today = tokyoDate(this.clock());
    if (input.effectiveDate < today) throw new AppError('bad_request', `the effective date ${input.effectiveDate} is in the past (today is ${today})`);
    const userIds = input.moves.map((m) => m.userId);
    const [people, departments] = await Promise.all([
      this.directory.getUsers(userIds),
      this.directory.existingDepartmentIds([...new Set(input.moves.map((m) => m.departmentId))]),
    ]);
    const from = new Map(people.map((u) => [u.id, u.departmentId]));
    const unknownPerson = userIds.find((id) => !from.has(id));
    if (unknownPerson) throw new AppError('not_found', `user ${unknownPerson} not found`);
    const unknownDept = input.moves.find((m) => !departments.has(m.departmentId));
    if (unknownDept) throw new AppError('not_found', `department ${unknownDept.departmentId} not found`);

    const ids = userIds.map((id) => new Types.ObjectId(id));
    await this.transfers.updateMany({ userId: { $in: ids }, state: 'pending' }, { $set: { state: 'cancelled' } });
    const now = this.clock();
    const docs: TransferDoc[] = input.moves.map((m) => ({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(m.userId),
      fromDepartmentId: new Types.ObjectId(from.get(m.userId)!),
      toDepartmentId: new Types.ObjectId(m.departmentId),
      effectiveDate: input.effectiveDate,
      ...(input.note ? { note: input.note } : {}),
      state: 'pending',
      createdBy: new Types.ObjectId(admin.id),
      createdAt: now,
    }));
    await this.transfers.collection.insertMany(docs);
    if (input.effectiveDate === today) await this.sweep();
    const stored = await this.transfers.find({ _id: { $in: docs.map((d) => d._id) } }).lean<TransferDoc[]>();
    return stored.map(toDto);
  }

  async list(state?: Transfer['state']): Promise<Transfer[]> {
    const docs = await this.transfers
      .find(state ? { state } : {})
      .sort({ effectiveDate: -1, createdAt: -1 })
      .limit(10_000)
      .lean<TransferDoc[]>();
    return docs.map(toDto);
  }

  /** A pending move is cancelled (one conditional update); an applied or cancelled one is 409. */
  async cancel(id: string): Promise<Transfer> {
    const doc = await this.transfers.findOneAndUpdate({ _id: id, state: 'pending' }, { $set: { state: 'cancelled' } }, { returnDocument: 'after' }).lean<TransferDoc>();
    if (doc) return toDto(doc);
    const exists = await this.transfers.exists({ _id: id });
    throw exists ? new AppError('conflict', 'only a pending transfer can be cancelled') : new AppError('not_found', 'transfer not found');
  }

  /** Applies what is due by today; one sweep at a time in this process. */
  sweep(): Promise<void> {
    this.sweeping ??= this.applyDue()
      .catch((err: unknown) => log.error({ err }, 'transfers: applying due moves failed (tried again at the next sweep)'))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async applyDue(): Promise<void> {
    const today = tokyoDate(this.clock());
    const due = await this.transfers.find({ state: 'pending', effectiveDate: { $lte: today } }).sort({ effectiveDate: 1, createdAt: 1 }).lean<TransferDoc[]>();
    if (due.length === 0) return;
    // One person, one final place: the latest due move wins.
    const latest = new Map<string, TransferDoc>();
    for (const t of due) latest.set(t.userId.toString(), t);
    await this.directory.moveUsers([...latest.values()].map((t) => ({ userId: t.userId.toString(), to: t.toDepartmentId.toString() })));
    await this.transfers.updateMany({ _id: { $in: due.map((t) => t._id) }, state: 'pending' }, { $set: { state: 'applied', appliedAt: this.clock() } });
    log.info({ count: due.length }, 'transfers: applied the moves due today');
  }
}

function toDto(d: TransferDoc): Transfer {
  return {
    id: d._id.toString(),
    userId: d.userId.toString(),
    fromDepartmentId: d.fromDepartmentId.toString(),
    toDepartmentId: d.toDepartmentId.toString(),
    effectiveDate: d.effectiveDate,
    ...(d.note ? { note: d.note } : {}),
    state: d.state,
    createdBy: d.createdBy.toString(),
    createdAt: d.createdAt.toISOString(),
    ...(d.appliedAt ? { appliedAt: d.appliedAt.toISOString() } : {}),
  };
}
