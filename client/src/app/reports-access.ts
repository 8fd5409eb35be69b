import { useEffect, useState } from 'react';
import { api } from '../net/api';

/**
 * Whether to offer 「レポート」: admins always; a supervisor if the server says their department
 * is one of REPORTS_DEPARTMENT_IDS (one small request, supervisors only); staff never.
 */
export function useReportsAccess(role: string | undefined): boolean {
  const [supervisorAllowed, setSupervisorAllowed] = useState(false);
  useEffect(() => {
    if (role !== 'supervisor') return;
    let live = true;
    void api.get<{ allowed: boolean }>('/api/reports/access').then(
      (r) => live && setSupervisorAllowed(r.allowed),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [role]);
  return role === 'admin' || (role === 'supervisor' && supervisorAllowed);
}
