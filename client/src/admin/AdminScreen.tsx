import { useState } from 'react';
import { DepartmentsPanel } from './DepartmentsPanel';
import { StaffPanel } from './StaffPanel';
import { AuditPanel } from './AuditPanel';
import { ImportPanel } from './ImportPanel';
import { TransfersPanel } from './TransfersPanel';
import { useWords } from './words';
import './admin.css';

type Tab = 'departments' | 'staff' | 'transfers' | 'import' | 'audit';

/** 「管理」: departments, staff and the audit log, for admins (the server checks the role on every request). */
export function AdminScreen() {
  const say = useWords();
  const [tab, setTab] = useState<Tab>('staff');
  const tabs: [Tab, string][] = [
    ['staff', say('tabStaff')],
    ['transfers', say('tabTransfers')],
    ['departments', say('tabDepartments')],
    ['import', say('tabImport')],
    ['audit', say('tabAudit')],
  ];
  return (
    <section className="admin" aria-labelledby="admin-heading" data-testid="admin-screen">
      <h1 id="admin-heading">{say('heading')}</h1>
      <div className="admin__tabs" role="tablist" aria-label={say('heading')}>
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`admin-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`admin-panel-${key}`}
            className={`admin__tab${tab === key ? ' admin__tab--current' : ''}`}
            onClick={() => setTab(key)}
            data-testid={`admin-tab-${key}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} className="admin__panel">
        {tab === 'departments' && <DepartmentsPanel />}
        {tab === 'staff' && <StaffPanel />}
        {tab === 'transfers' && <TransfersPanel />}
        {tab === 'import' && <ImportPanel />}
        {tab === 'audit' && <AuditPanel />}
      </div>
    </section>
  );
}
