import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import { ADMIN_USERS_PAGE_SIZE, type AdminUsersPage, type AdminUsersQuery, type UpdateUserBody } from '../../shared/schemas/accounts.js';
import type { CreateDepartmentBody, CreateUserBody, Department, DirectoryListing } from '../../shared/schemas/directory.js';
import { hashPassword } from '../auth/password.js';
import { checkNewPassword } from '../auth/password-policy.js';
import { isDuplicateKey } from '../db/errors.js';
import { departmentModel, type DepartmentDoc } from './department.model.js';
import { directoryMetaModel, type DirectoryMetaDoc } from './directory-meta.model.js';
import { compareByReading, normalizeForSearch } from './kana.js';
import { userModel, type UserDoc } from './user.model.js';

export function toUserDto(doc: UserDoc): User {
  return {
    id: doc._id.toString(),
    loginId: doc.loginId,
    staffNo: doc.staffNo,
    name: doc.name,
    nameKana: doc.nameKana,
    departmentId: doc.departmentId.toString(),
    role: doc.role,
    ...(doc.title ? { title: doc.title } : {}),
    ...(doc.disabled ? { disabled: true } : {}),
    ...(doc.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/**
 * The fields a User is made of: reads that only build Users leave the password hash and the
 * search text in the database (the session check reads a person per sign-in batch).
 */
const USER_FIELDS = {
  loginId: 1,
  staffNo: 1,
  name: 1,
  nameKana: 1,
  departmentId: 1,
  role: 1,
  title: 1,
  disabled: 1,
  mustChangePassword: 1,
} as const;

function toDepartmentDto(doc: DepartmentDoc): Department {
  return { id: doc._id.toString(), name: doc.name, parentId: doc.parentId ? doc.parentId.toString() : null };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** People and departments. The only writer of the `users` and `departments` collections. */
export class DirectoryService {
  private readonly users: Model<UserDoc>;
  private readonly departments: Model<DepartmentDoc>;
  private readonly meta: Model<DirectoryMetaDoc>;
  /** The presence-free listing of one version, built once per process per version. */
  private listingCache: { version: string; listing: Promise<DirectoryListing> } | null = null;
  /** Told after people enter or change departments (department channels follow them, issue 9). */
  private readonly departmentListeners: ((moves: DepartmentMove[]) => Promise<void>)[] = [];
  /**
   * Ids known to be people. Nobody is ever deleted (a departure disables the account), so once
   * true an id stays true in every process: no invalidation needed. Bounded by the organisation
   * (3,000 ids); spares the users read of most `presence:watch` batches (issue 7).
   */
  private readonly knownPeople = new Set<string>();

  constructor(conn: Connection) {
    this.users = userModel(conn);
    this.departments = departmentModel(conn);
    this.meta = directoryMetaModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.users.createIndexes(), this.departments.createIndexes()]);
  }

  // ── departments ─────────────────────────────────────────────

  async createDepartment(input: CreateDepartmentBody): Promise<Department> {
    if (input.parentId && !(await this.departments.exists({ _id: input.parentId }))) {
      throw new AppError('not_found', 'parent department not found');
    }
    const doc = await this.changing(() => this.departments.create({ name: input.name, parentId: input.parentId ?? null }));
    return toDepartmentDto(doc.toObject());
  }

  async listDepartments(): Promise<Department[]> {
    const docs = await this.departments.find().sort({ _id: 1 }).lean<DepartmentDoc[]>();
    return docs.map(toDepartmentDto);
  }

  async getDepartment(id: string): Promise<Department> {
    const doc = Types.ObjectId.isValid(id) ? await this.departments.findById(id).lean<DepartmentDoc>() : null;
    if (!doc) throw new AppError('not_found', 'department not found');
    return toDepartmentDto(doc);
  }

  /** The department and every department below it. */
  async subtreeIds(rootId: string): Promise<string[]> {
    const all = await this.listDepartments();
    const children = new Map<string | null, string[]>();
    for (const d of all) {
      const siblings = children.get(d.parentId);
      if (siblings) siblings.push(d.id);
      else children.set(d.parentId, [d.id]);
    }
    // A set, not `out.includes`: linear in the departments, whatever the tree's shape.
    const out = new Set<string>();
    const stack = [rootId];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue; // a cycle cannot be created, but never loop on one
      out.add(id);
      stack.push(...(children.get(id) ?? []));
    }
    return [...out];
  }

  /** The department and every department above it, nearest first (pass `departments` to reuse a list). */
  async ancestorIds(departmentId: string, departments?: Department[]): Promise<string[]> {
    const all = new Map((departments ?? (await this.listDepartments())).map((d) => [d.id, d]));
    const out: string[] = [];
    for (let id: string | null = departmentId; id && !out.includes(id); id = all.get(id)?.parentId ?? null) {
      out.push(id);
    }
    return out;
  }

  // ── users ───────────────────────────────────────────────────

  async createUser(input: CreateUserBody): Promise<User> {
    checkNewPassword(input.password, input.loginId);
    if (!(await this.departments.exists({ _id: input.departmentId }))) {
      throw new AppError('not_found', 'department not found');
    }
    try {
      const { password, ...fields } = input;
      const passwordHash = await hashPassword(password);
      const doc = await this.changing(() =>
        this.users.create({
          ...fields,
          searchText: normalizeForSearch([input.name, input.nameKana, input.loginId, input.staffNo].join(' ')),
          passwordHash,
        }),
      );
      const user = toUserDto(doc.toObject());
      await this.departmentsMoved([{ userId: user.id, from: null, to: user.departmentId }]);
      return user;
    } catch (err) {
      const dup = isDuplicateKey(err);
      if (dup) throw new AppError('conflict', `${dup.join(', ')} is already taken`);
      throw err;
    }
  }

  async getUser(id: string): Promise<User> {
    const doc = Types.ObjectId.isValid(id) ? await this.users.findById(id, USER_FIELDS).lean<UserDoc>() : null;
    if (!doc) throw new AppError('not_found', 'user not found');
    return toUserDto(doc);
  }

  /** Users by id, in no particular order; unknown ids are simply absent. */
  async getUsers(ids: readonly string[]): Promise<User[]> {
    const docs = await this.users.find({ _id: { $in: ids } }, USER_FIELDS).lean<UserDoc[]>();
    const users = docs.map(toUserDto);
    for (const user of users) this.knownPeople.add(user.id);
    return users;
  }

  /**
   * Which of these ids are people: ids seen before are answered from memory, the rest with one
   * id-only read (no user document is sent or decoded).
   */
  async existingUserIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const ask: string[] = [];
    for (const id of ids) {
      if (this.knownPeople.has(id)) found.add(id);
      else if (Types.ObjectId.isValid(id)) ask.push(id);
    }
    if (ask.length === 0) return found;
    const docs = await this.users.find({ _id: { $in: ask } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    for (const d of docs) {
      const id = d._id.toString();
      this.knownPeople.add(id);
      found.add(id);
    }
    return found;
  }

  /** The stored password hash for sign-in; only the auth service calls this. */
  async findCredentials(loginId: string): Promise<{ user: User; passwordHash: string } | null> {
    const doc = await this.users.findOne({ loginId }).lean<UserDoc>();
    return doc ? { user: toUserDto(doc), passwordHash: doc.passwordHash } : null;
  }

  async listUsers(filter: { departmentIds?: string[]; q?: string }): Promise<User[]> {
    const query: Record<string, unknown> = {};
    if (filter.departmentIds) query.departmentId = { $in: filter.departmentIds.map((id) => new Types.ObjectId(id)) };
    const q = filter.q ? normalizeForSearch(filter.q) : '';
    if (q) query.searchText = { $regex: escapeRegex(q) };
    const docs = await this.users.find(query).limit(5000).lean<UserDoc[]>();
    return docs.map(toUserDto).sort(compareByReading);
  }

  async allUserIds(): Promise<string[]> {
    const docs = await this.users.find({}, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return docs.map((d) => d._id.toString());
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.users.exists({ role: 'admin' })) !== null;
  }

  /** The first top-level department, created when the directory is empty (for the first admin). */
  async rootDepartment(): Promise<Department> {
    const root = await this.departments.findOne({ parentId: null }).sort({ _id: 1 }).lean<DepartmentDoc>();
    if (root) return toDepartmentDto(root);
    return this.createDepartment({ name: '市役所' });
  }

  // ── account lifecycle (admin) ───────────────────────────────

  /** Changes a person's record; 404 for an unknown person or department. Returns the new record. */
  async updateUser(id: string, patch: UpdateUserBody): Promise<User> {
    const current = await this.users.findById(id).lean<UserDoc>();
    if (!current) throw new AppError('not_found', 'user not found');
    if (patch.departmentId && !(await this.departments.exists({ _id: patch.departmentId }))) {
      throw new AppError('not_found', 'department not found');
    }
    const { title, ...rest } = patch;
    const name = patch.name ?? current.name;
    const nameKana = patch.nameKana ?? current.nameKana;
    const doc = await this.changing(() =>
      this.users
        .findByIdAndUpdate(
          id,
          {
            $set: { ...rest, searchText: normalizeForSearch([name, nameKana, current.loginId, current.staffNo].join(' ')), ...(title ? { title } : {}) },
            ...(title === '' ? { $unset: { title: 1 } } : {}),
          },
          { returnDocument: 'after' },
        )
        .lean<UserDoc>(),
    );
    if (!doc) throw new AppError('not_found', 'user not found');
    const from = current.departmentId.toString();
    if (patch.departmentId && patch.departmentId !== from) {
      await this.departmentsMoved([{ userId: id, from, to: patch.departmentId }]);
    }
    return toUserDto(doc);
  }

  /** Stores a new password hash; `mustChange` marks a temporary one (a reset). */
  async setPasswordHash(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
    const res = await this.users.updateOne({ _id: id }, { $set: { passwordHash, mustChangePassword: mustChange } });
    if (res.matchedCount === 0) throw new AppError('not_found', 'user not found');
  }

  /** The stored hash of one person (password change checks the current one). */
  async passwordHashOf(id: string): Promise<string | null> {
    const doc = await this.users.findById(id, { passwordHash: 1 }).lean<{ passwordHash: string }>();
    return doc?.passwordHash ?? null;
  }

  /** The administrators' list: filtered, ordered by staff number, one page at a time. */
  async listUsersPage(query: AdminUsersQuery): Promise<AdminUsersPage> {
    const filter: Record<string, unknown> = {};
    if (query.departmentId) filter.departmentId = new Types.ObjectId(query.departmentId);
    if (query.disabled !== undefined) filter.disabled = query.disabled ? true : { $ne: true };
    const q = query.q ? normalizeForSearch(query.q) : '';
    if (q) filter.searchText = { $regex: escapeRegex(q) };
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? ADMIN_USERS_PAGE_SIZE;
    const [docs, total] = await Promise.all([
      this.users
        .find(filter)
        .sort({ staffNo: 1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<UserDoc[]>(),
      this.users.countDocuments(filter),
    ]);
    return { users: docs.map(toUserDto), total, page, pageSize };
  }

  /**
   * Replaces a password hash with a stronger one of the same password (auth's rehash on sign-in),
   * only if it is still the hash that was verified: a password changed meanwhile stays changed.
   */
  async replacePasswordHash(userId: string, verifiedHash: string, nextHash: string): Promise<void> {
    await this.users.updateOne({ _id: userId, passwordHash: verifiedHash }, { $set: { passwordHash: nextHash } });
  }

  // ── version (server/sync, GET /api/directory) ───────────────

  /**
   * The directory's version: changes whenever a user or department is written, by any process,
   * and survives restarts (it is a database counter). Presence is not part of it.
   */
  async version(): Promise<string> {
    const doc = await this.meta.findById(DIRECTORY_META_ID).lean<DirectoryMetaDoc>();
    return String(doc?.version ?? 0);
  }

  /** Everyone and every department, without presence, for the version read just before. */
  async listing(version: string): Promise<DirectoryListing> {
    if (this.listingCache?.version !== version) {
      const listing = Promise.all([this.listUsers({}), this.listDepartments()]).then(([users, departments]) => ({ version, users, departments }));
      this.listingCache = { version, listing };
      listing.catch(() => {
        if (this.listingCache?.listing === listing) this.listingCache = null;
      });
    }
    return this.listingCache.listing;
  }

  /**
   * Every write to `users` or `departments` goes through here. The version is raised before the
   * write and again after it: the second raise tells everyone who read the old data; the first
   * makes sure that a crash between the write and the second raise still changes the version
   * (only a reader in the instant between the first raise and the write could then stay stale).
   */
  private async changing<T>(write: () => Promise<T>): Promise<T> {
    await this.raiseVersion();
    const result = await write();
    await this.raiseVersion();
    return result;
  }

  // ── department moves (issue 9: department channels follow their department) ──

  /** Be told after people enter or change departments; every write of a user's department calls it. */
  onDepartmentMoves(listener: (moves: DepartmentMove[]) => Promise<void>): void {
    this.departmentListeners.push(listener);
  }

  private async departmentsMoved(moves: DepartmentMove[]): Promise<void> {
    for (const listener of this.departmentListeners) await listener(moves);
  }

  private async raiseVersion(): Promise<void> {
    await this.meta.updateOne({ _id: DIRECTORY_META_ID }, { $inc: { version: 1 } }, { upsert: true });
  }
}

const DIRECTORY_META_ID = 'directory';

/** A person entering a department (`from` null: just created) or moving from one to another. */
export interface DepartmentMove {
  userId: string;
  from: string | null;
  to: string;
}
