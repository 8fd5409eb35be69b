import type { AdminUsersPage, UpdateUserBody } from '../../../shared/schemas/accounts.js';
import type { AuditPage } from '../../../shared/schemas/audit.js';
import type { StaffImportResult } from '../../../shared/schemas/staff-import.js';
import type { Transfer } from '../../../shared/schemas/transfers.js';
import type { User } from '../../../shared/schemas/auth.js';
import type { CreateUserBody, Department, UpdateDepartmentBody } from '../../../shared/schemas/directory.js';
import { api } from '../net/api';
import { loadDirectory } from '../net/sync';

/** The administration API (server/admin, server/accounts, server/audit). */

export const listDepartments = () => api.get<Department[]>('/api/departments');

/** After a change to people or departments, the app's own copy of the directory follows. */
function refreshDirectory(): void {
  void loadDirectory().catch(() => {});
}

export async function createDepartment(name: string, parentId: string | null): Promise<Department> {
  const created = await api.post<Department>('/api/admin/departments', { name, ...(parentId ? { parentId } : {}) });
  refreshDirectory();
  return created;
}

export async function updateDepartment(id: string, patch: UpdateDepartmentBody): Promise<Department> {
  const updated = await api.patch<Department>(`/api/admin/departments/${id}`, patch);
  refreshDirectory();
  return updated;
}

export async function retireDepartment(id: string): Promise<void> {
  await api.delete<void>(`/api/admin/departments/${id}`);
  refreshDirectory();
}

export interface StaffQuery {
  q?: string;
  departmentId?: string;
  role?: string;
  disabled?: string;
  page?: number;
}

export const listStaff = (query: StaffQuery) => api.get<AdminUsersPage>('/api/admin/users', { ...query });

export async function createStaff(body: CreateUserBody): Promise<User> {
  const user = await api.post<User>('/api/admin/users', body);
  refreshDirectory();
  return user;
}

export async function updateStaff(id: string, patch: UpdateUserBody): Promise<User> {
  const user = await api.patch<User>(`/api/admin/users/${id}`, patch);
  refreshDirectory();
  return user;
}

export const resetPassword = (id: string) => api.post<{ temporaryPassword: string }>(`/api/admin/users/${id}/password-reset`);

export const listAudit = (query: { page?: number; action?: string }) => api.get<AuditPage>('/api/admin/audit', { ...query });

function childrenOf(departments: readonly Department[]): Map<string | null, Department[]> {
  const ids = new Set(departments.map((d) => d.id));
  const children = new Map<string | null, Department[]>();
  for (const d of departments) {
    // A parent that is not in the list puts its child at the top rather than losing it.
    const key = d.parentId && ids.has(d.parentId) ? d.parentId : null;
    const siblings = children.get(key);
    if (siblings) siblings.push(d);
    else children.set(key, [d]);
  }
  return children;
}

/** Departments in tree order (each after its parent, siblings by name), with their depth. Linear. */
export function treeOrder(departments: readonly Department[]): { department: Department; depth: number }[] {
  const children = childrenOf(departments);
  const out: { department: Department; depth: number }[] = [];
  const visit = (parentId: string | null, depth: number) => {
    for (const d of (children.get(parentId) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'ja'))) {
      out.push({ department: d, depth });
      visit(d.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** A department and everything below it (where it may not move to). */
export function subtreeOf(departments: readonly Department[], rootId: string): Set<string> {
  const children = childrenOf(departments);
  const out = new Set<string>();
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const c of children.get(id) ?? []) stack.push(c.id);
  }
  return out;
}

export interface ImportOptions {
  encoding: 'auto' | 'utf-8' | 'shift_jis';
  createDepartments: boolean;
  disableMissing: boolean;
}

/** The staff file to the server: a dry run (nothing written) or the real run. */
export function importStaff(file: File, options: ImportOptions, dryRun: boolean): Promise<StaffImportResult> {
  const csv = new Blob([file], { type: 'text/csv' });
  return api.upload<StaffImportResult>('/api/admin/import/users', csv, {
    dryRun: String(dryRun),
    encoding: options.encoding,
    createDepartments: String(options.createDepartments),
    disableMissing: String(options.disableMissing),
  });
}

export async function scheduleTransfers(effectiveDate: string, moves: { userId: string; departmentId: string }[], note?: string): Promise<Transfer[]> {
  const { transfers } = await api.post<{ transfers: Transfer[] }>('/api/admin/transfers', { effectiveDate, moves, ...(note ? { note } : {}) });
  refreshDirectory();
  return transfers;
}

export const listTransfers = (state?: Transfer['state']) => api.get<{ transfers: Transfer[] }>('/api/admin/transfers', { state });
export const cancelTransfer = (id: string) => api.delete<void>(`/api/admin/transfers/${id}`);

/** The next 1 April (the usual rotation), as `YYYY-MM-DD`, in Tokyo. */
export function nextRotationDate(now = new Date()): string {
  const tokyo = new Date(now.getTime() + 9 * 3600_000);
  const year = tokyo.getUTCMonth() < 3 ? tokyo.getUTCFullYear() : tokyo.getUTCFullYear() + 1;
  return `${year}-04-01`;
}
