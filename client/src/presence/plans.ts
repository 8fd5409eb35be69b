import type { DepartmentPlans, TeleworkPlan } from '../../../shared/schemas/telework-plans.js';
import { api } from '../net/api';

/** テレワーク予定 (server/telework): one's own, and a department's for today and tomorrow (the board). */
export const myPlans = () => api.get<{ plans: TeleworkPlan[] }>('/api/telework-plans');
export const registerPlans = (body: { from: string; to?: string; note?: string }) => api.post<{ plans: TeleworkPlan[] }>('/api/telework-plans', body);
export const removePlan = (id: string) => api.delete<void>(`/api/telework-plans/${id}`);
export const departmentPlans = (departmentId: string) => api.get<DepartmentPlans>('/api/telework-plans/department', { departmentId });

/** Today in Tokyo, `YYYY-MM-DD`. */
export function tokyoToday(now = Date.now()): string {
  return new Date(now + 9 * 3600_000).toISOString().slice(0, 10);
}
