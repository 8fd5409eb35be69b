import type { User } from '../../shared/schemas/auth.js';
import type { Department } from '../../shared/schemas/directory.js';
import { Api } from './http.js';
import { ADMIN } from './server.js';

export interface SignedIn {
  user: User;
  token: string;
  api: Api;
  password: string;
}

export async function login(baseUrl: string, loginId: string, password: string): Promise<SignedIn> {
  const res = await new Api(baseUrl).post('/api/auth/login', { loginId, password });
  if (res.status !== 200) throw new Error(`login ${loginId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user: res.body.user, token: res.body.token, api: new Api(baseUrl, res.body.token), password };
}

export async function loginAdmin(baseUrl: string): Promise<SignedIn> {
  return login(baseUrl, ADMIN.loginId, ADMIN.password);
}

export async function createDepartment(admin: SignedIn, name: string, parentId?: string): Promise<Department> {
  const res = await admin.api.post('/api/admin/departments', { name, ...(parentId ? { parentId } : {}) });
  if (res.status !== 201) throw new Error(`department failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let counter = 0;

/** Creates a staff member (or supervisor) through the admin API and signs them in. */
export async function createUser(
  admin: SignedIn,
  departmentId: string,
  fields: Partial<{ loginId: string; name: string; nameKana: string; role: User['role']; staffNo: string; title: string }> = {},
): Promise<SignedIn> {
  counter += 1;
  const n = `${Date.now().toString(36)}${counter}`;
  const password = `pw-${n}-secret`;
  const body = {
    loginId: fields.loginId ?? `user${n}`,
    password,
    staffNo: fields.staffNo ?? `S${n}`.slice(0, 20),
    name: fields.name ?? `職員 ${counter}`,
    nameKana: fields.nameKana ?? 'しょくいん',
    departmentId,
    role: fields.role ?? 'staff',
    ...(fields.title ? { title: fields.title } : {}),
  };
  const res = await admin.api.post('/api/admin/users', body);
  if (res.status !== 201) throw new Error(`user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return login(admin.api.baseUrl, body.loginId, password);
}

/** A department with `count` staff signed in. */
export async function createTeam(baseUrl: string, count: number): Promise<{ admin: SignedIn; department: Department; people: SignedIn[] }> {
  const admin = await loginAdmin(baseUrl);
  const department = await createDepartment(admin, `課 ${Date.now().toString(36)}`);
  const people: SignedIn[] = [];
  for (let i = 0; i < count; i++) people.push(await createUser(admin, department.id));
  return { admin, department, people };
}

export async function createConversation(
  creator: SignedIn,
  kind: 'dm' | 'group' | 'channel',
  members: SignedIn[],
  title?: string,
): Promise<{ id: string } & Record<string, any>> {
  const res = await creator.api.post('/api/conversations', { kind, memberIds: members.map((m) => m.user.id), ...(title ? { title } : {}) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`conversation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
