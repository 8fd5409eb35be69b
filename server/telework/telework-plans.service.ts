import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import { MAX_PLAN_DAYS, type CreatePlansBody, type DepartmentPlans, type TeleworkPlan } from '../../shared/schemas/telework-plans.js';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory/directory.service.js';
import { addDays, tokyoDate } from '../lib/tokyo.js';
import type { Realtime } from '../realtime.js';
import { teleworkPlanModel, type TeleworkPlanDoc } from './telework-plan.model.js';

/**
 * テレワーク予定: the only writer of `telework_plans`. A person registers days ahead (or the same
 * morning); supervisors above them read today's and tomorrow's plans beside the board, and a
 * same-day notice reaches them at once (`telework:plan`).
 */
export class TeleworkPlansService {
  private readonly plans: Model<TeleworkPlanDoc>;

  constructor(
    conn: Connection,
    private readonly directory: DirectoryService,
    private readonly realtime: Realtime,
    private readonly clock: Clock,
  ) {
    this.plans = teleworkPlanModel(conn);
  }

  async init(): Promise<void> {
    await this.plans.createIndexes();
  }

  /**
   * One plan per day from `from` to `to` (today or later, at most MAX_PLAN_DAYS days): one bulk
   * upsert, so a day registered again keeps one plan with the new note. A plan for today tells the
   * supervisors above the person at once.
   */
  async register(user: User, input: CreatePlansBody): Promise<TeleworkPlan[]> {
    const today = tokyoDate(this.clock());
    const to = input.to ?? input.from;
    if (input.from < today) throw new AppError('bad_request', `${input.from} is in the past (today is ${today})`);
    const days: string[] = [];
    for (let d = input.from; d <= to; d = addDays(d, 1)) {
      days.push(d);
      if (days.length > MAX_PLAN_DAYS) throw new AppError('bad_request', `at most ${MAX_PLAN_DAYS} days at once`);
    }
    const userId = new Types.ObjectId(user.id);
    const now = this.clock();
    await this.plans.bulkWrite(
      days.map((date) => ({
        updateOne: {
          filter: { userId, date },
          update: {
            ...(input.note ? { $set: { note: input.note } } : { $unset: { note: 1 } }),
            $setOnInsert: { createdAt: now, ...(date === today ? { sameDay: true } : {}) },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const stored = (await this.plans.find({ userId, date: { $in: days } }).sort({ date: 1 }).lean<TeleworkPlanDoc[]>()).map(toDto);
    const todays = stored.find((p) => p.date === today);
    if (todays) {
      const supervisors = (await this.directory.supervisorIdsOver(user.departmentId)).filter((id) => id !== user.id);
      if (supervisors.length > 0) this.realtime.toUsers(supervisors).emit('telework:plan', { plan: todays, name: user.name });
    }
    return stored;
  }

  /** The person's own plans from today on. */
  async mine(userId: string): Promise<TeleworkPlan[]> {
    const today = tokyoDate(this.clock());
    const docs = await this.plans.find({ userId: new Types.ObjectId(userId), date: { $gte: today } }).sort({ date: 1 }).limit(200).lean<TeleworkPlanDoc[]>();
    return docs.map(toDto);
  }

  /** Withdraws one of one's own plans (404 for anyone else's: it is not theirs to know of). */
  async remove(userId: string, id: string): Promise<void> {
    const res = await this.plans.deleteOne({ _id: new Types.ObjectId(id), userId: new Types.ObjectId(userId) });
    if (res.deletedCount === 0) throw new AppError('not_found', 'plan not found');
  }

  /**
   * Today's and tomorrow's plans of everyone in a department and below, for supervisors of it (or
   * above) and admins: the tree, the people, the plans — three reads whatever the size.
   */
  async forDepartment(viewer: User, departmentId: string): Promise<DepartmentPlans> {
    await this.directory.requireOversight(viewer, departmentId);
    const today = tokyoDate(this.clock());
    const tomorrow = addDays(today, 1);
    const people = await this.directory.listUsers({ departmentIds: await this.directory.subtreeIds(departmentId) });
    const docs = await this.plans
      .find({ userId: { $in: people.map((p) => new Types.ObjectId(p.id)) }, date: { $in: [today, tomorrow] } })
      .lean<TeleworkPlanDoc[]>();
    return { today, tomorrow, plans: docs.map(toDto) };
  }
}

function toDto(d: TeleworkPlanDoc): TeleworkPlan {
  return {
    id: d._id.toString(),
    userId: d.userId.toString(),
    date: d.date,
    ...(d.note ? { note: d.note } : {}),
    ...(d.sameDay ? { sameDay: true } : {}),
    createdAt: d.createdAt.toISOString(),
  };
}
