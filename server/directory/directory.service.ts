import { Types, type Connection, type Model } from 'mongoose';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../shared/schemas/auth.js';
import { ADMIN_USERS_PAGE_SIZE, type AdminUsersPage, type AdminUsersQuery, type UpdateUserBody } from '../../shared/schemas/accounts.js';
import type { CreateDepartmentBody, CreateUserBody, Department, DirectoryListing, UpdateDepartmentBody } from '../../shared/schemas/directory.js';
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

  /**
   * Rename, or move under another parent (issue 11). A move may not put a department under itself or
   * anything below it (409): the tree stays a tree. Supervisor visibility follows at once, since the
   * overview reads the tree on every request.
   */
  async updateDepartment(id: string, patch: UpdateDepartmentBody): Promise<{ before: Department; after: Department }> {
    const before = await this.getDepartment(id);
    if (patch.parentId) {
      if (!(await this.departments.exists({ _id: patch.parentId }))) throw new AppError('not_found', 'parent department not found');
      if ((await this.subtreeIds(id)).includes(patch.parentId)) {
        throw new AppError('conflict', 'a department cannot move under itself or a department below it');
      }
    }
    const set = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.parentId !== undefined ? { parentId: patch.parentId } : {}) };
    const doc = await this.changing(() => this.departments.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean<DepartmentDoc>());
    if (!doc) throw new AppError('not_found', 'department not found');
    return { before, after: toDepartmentDto(doc) };
  }

  /**
   * Retire a department (issue 11): only when nobody belongs to it and no department sits below it
   * (409 otherwise, naming which). Two reads and one delete, whatever the organisation's size.
   */
  async retireDepartment(id: string): Promise<Department> {
    const department = await this.getDepartment(id);
    const [people, children] = await Promise.all([
      this.users.countDocuments({ departmentId: id }),
      this.departments.countDocuments({ parentId: id }),
    ]);
    if (people > 0) throw new AppError('conflict', `the department still has ${people} people: move them first`);
    if (children > 0) throw new AppError('conflict', `the department still has ${children} departments below it: move or retire them first`);
    await this.changing(() => this.departments.deleteOne({ _id: id }));
    return department;
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
    if (query.role) filter.role = query.role;
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

  // ── oversight: who sees whom ─────────────────────────────────

  /**
   * A department's people are seen by admins and by supervisors of that department or one above it
   * (the board, telework plans); anyone else: 403. 404 for an unknown department.
   */
  async requireOversight(viewer: User, departmentId: string): Promise<void> {
    await this.getDepartment(departmentId); // 404 first
    if (viewer.role === 'admin') return;
    const above = await this.ancestorIds(departmentId);
    if (viewer.role !== 'supervisor' || !above.includes(viewer.departmentId)) {
      throw new AppError('forbidden', 'only supervisors of this department (or above) see its people');
    }
  }

  /** The supervisors who oversee someone of this department: those of it and of every department above (two reads). */
  async supervisorIdsOver(departmentId: string): Promise<string[]> {
    const above = await this.ancestorIds(departmentId);
    const docs = await this.users
      .find({ departmentId: { $in: above.map((id) => new Types.ObjectId(id)) }, role: 'supervisor', disabled: { $ne: true } }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }[]>();
    return docs.map((d) => d._id.toString());
  }

  // ── staff import (issue 11: the personnel system's file) ───────

  /** The people with these staff numbers (one read), as records. */
  async usersByStaffNos(staffNos: readonly string[]): Promise<User[]> {
    if (staffNos.length === 0) return [];
    const docs = await this.users.find({ staffNo: { $in: [...staffNos] } }, { passwordHash: 0, searchText: 0 }).lean<UserDoc[]>();
    return docs.map(toUserDto);
  }

  /** Who holds each of these login ids now (one read): login id → staff number. */
  async loginIdOwners(loginIds: readonly string[]): Promise<Map<string, string>> {
    if (loginIds.length === 0) return new Map();
    const docs = await this.users.find({ loginId: { $in: [...loginIds] } }, { loginId: 1, staffNo: 1 }).lean<{ loginId: string; staffNo: string }[]>();
    return new Map(docs.map((d) => [d.loginId, d.staffNo]));
  }

  /** Everyone but admins who is enabled and whose staff number is not in the list (one read). */
  async enabledNonAdminsExcept(staffNos: readonly string[]): Promise<User[]> {
    const docs = await this.users
      .find({ staffNo: { $nin: [...staffNos] }, role: { $ne: 'admin' }, disabled: { $ne: true } }, { passwordHash: 0, searchText: 0 })
      .lean<UserDoc[]>();
    return docs.map(toUserDto);
  }

  /**
   * Departments named by path from the top (`['市民部', '市民課']`), created where missing when
   * `create` (one insert per missing level, parents first). Returns path key ('市民部/市民課') → id,
   * and the keys that did not exist.
   */
  async resolveDepartmentPaths(paths: readonly string[][], create: boolean): Promise<{ ids: Map<string, string>; missing: string[] }> {
    const all = await this.listDepartments();
    const byParentAndName = new Map(all.map((d) => [`${d.parentId ?? ''}\u0000${d.name}`, d.id]));
    const ids = new Map<string, string>();
    const missing: string[] = [];
    let created = false;
    for (const path of paths) {
      let parentId: string | null = null;
      for (let depth = 0; depth < path.length; depth++) {
        const key = path.slice(0, depth + 1).join('/');
        const known: string | undefined = ids.get(key) ?? byParentAndName.get(`${parentId ?? ''}\u0000${path[depth]}`);
        if (known) {
          ids.set(key, known);
          parentId = known;
          continue;
        }
        if (!create) {
          // Everything from here down is missing too.
          for (let deeper = depth; deeper < path.length; deeper++) {
            const k = path.slice(0, deeper + 1).join('/');
            if (!missing.includes(k)) missing.push(k);
          }
          break;
        }
        if (!missing.includes(key)) missing.push(key);
        const doc: DepartmentDoc = await this.departments.create({ name: path[depth]!, parentId });
        created = true;
        const id: string = doc._id.toString();
        byParentAndName.set(`${parentId ?? ''}\u0000${path[depth]}`, id);
        ids.set(key, id);
        parentId = id;
      }
    }
    if (created) await this.raiseVersion();
    return { ids, missing };
  }

  /**
   * Writes an import's new and changed people: one insert for the new, one bulk write for the
   * changed, then the department channels follow those who moved. New people get no usable
   * password (an admin issues a temporary one with a reset when they are told).
   */
  async importUsers(
    creates: readonly Omit<CreateUserBody, 'password'>[],
    updates: readonly { id: string; from: string; set: Partial<Pick<User, 'loginId' | 'name' | 'nameKana' | 'departmentId' | 'title' | 'role'>> }[],
  ): Promise<void> {
    const moves: DepartmentMove[] = [];
    await this.changing(async () => {
      if (creates.length > 0) {
        const inserted = await this.users.insertMany(
          creates.map((c) => ({
            ...c,
            departmentId: new Types.ObjectId(c.departmentId),
            searchText: normalizeForSearch([c.name, c.nameKana, c.loginId, c.staffNo].join(' ')),
            passwordHash: NO_PASSWORD,
            mustChangePassword: true,
          })),
          { ordered: false },
        );
        for (const doc of inserted) moves.push({ userId: doc._id.toString(), from: null, to: doc.departmentId.toString() });
      }
      if (updates.length > 0) {
        const current = new Map((await this.getUsers(updates.map((u) => u.id))).map((u) => [u.id, u]));
        await this.users.bulkWrite(
          updates.map((u) => {
            const now = { ...current.get(u.id)!, ...u.set };
            const { title, ...rest } = u.set;
            const set: Record<string, unknown> = { ...rest, searchText: normalizeForSearch([now.name, now.nameKana, now.loginId, now.staffNo].join(' ')) };
            if (rest.departmentId) set.departmentId = new Types.ObjectId(rest.departmentId);
            return {
              updateOne: {
                filter: { _id: new Types.ObjectId(u.id) },
                update: title === '' ? { $set: set, $unset: { title: 1 } } : { $set: title !== undefined ? { ...set, title } : set },
              },
            };
          }),
          { ordered: false },
        );
        for (const u of updates) if (u.set.departmentId) moves.push({ userId: u.id, from: u.from, to: u.set.departmentId });
      }
    });
    if (moves.length > 0) await this.departmentsMoved(moves);
  }

  /**
   * Moves people to departments (人事異動, issue 11): one read, one bulk write for those not already
   * there, then the department channels follow in one pass. Moving someone where they are is a no-op,
   * so applying the same moves twice changes nothing the second time.
   */
  async moveUsers(moves: readonly { userId: string; to: string }[]): Promise<DepartmentMove[]> {
    if (moves.length === 0) return [];
    const current = new Map((await this.getUsers(moves.map((m) => m.userId))).map((u) => [u.id, u.departmentId]));
    const real: DepartmentMove[] = moves
      .filter((m) => current.has(m.userId) && current.get(m.userId) !== m.to)
      .map((m) => ({ userId: m.userId, from: current.get(m.userId)!, to: m.to }));
    if (real.length === 0) return [];
    await this.changing(() =>
      this.users.bulkWrite(
        real.map((m) => ({
          updateOne: { filter: { _id: new Types.ObjectId(m.userId) }, update: { $set: { departmentId: new Types.ObjectId(m.to) } } },
        })),
        { ordered: false },
      ),
    );
    await this.departmentsMoved(real);
    return real;
  }

  /** Which of these department ids exist (one read). */
  async existingDepartmentIds(ids: readonly string[]): Promise<Set<string>> {
    const docs = await this.departments.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return new Set(docs.map((d) => d._id.toString()));
  }

  /** Disables these people (one update); the caller ends their sessions. */
  async disableUsers(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.changing(() => this.users.updateMany({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { $set: { disabled: true } }));
  }

  /** Everyone with their department as a path from the top, for the staff file export (two reads). */
  async exportRows(): Promise<{ staffNo: string; loginId: string; name: string; nameKana: string; departmentPath: string; title?: string; role: User['role'] }[]> {
    const [departments, docs] = await Promise.all([
      this.listDepartments(),
      this.users.find({}, { passwordHash: 0, searchText: 0 }).sort({ staffNo: 1 }).lean<UserDoc[]>(),
    ]);
    const byId = new Map(departments.map((d) => [d.id, d]));
    const pathOf = new Map<string, string>();
    const path = (id: string): string => {
      const known = pathOf.get(id);
      if (known !== undefined) return known;
      const d = byId.get(id);
      const value = !d ? '' : d.parentId && byId.has(d.parentId) ? `${path(d.parentId)}/${d.name}` : d.name;
      pathOf.set(id, value);
      return value;
    };
    return docs.map((d) => ({
      staffNo: d.staffNo,
      loginId: d.loginId,
      name: d.name,
      nameKana: d.nameKana,
      departmentPath: path(d.departmentId.toString()),
      ...(d.title ? { title: d.title } : {}),
      role: d.role,
    }));
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

/** Not a hash: nothing verifies against it (auth/password.ts parses it as no hash), so nobody signs in with it. */
const NO_PASSWORD = '!imported: no password yet';

/** A person entering a department (`from` null: just created) or moving from one to another. */
export interface DepartmentMove {
  userId: string;
  from: string | null;
  to: string;
}
