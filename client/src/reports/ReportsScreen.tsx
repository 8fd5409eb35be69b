import { useState } from 'react';
import { LicencePanel } from './LicencePanel';
import { TeleworkPanel } from './TeleworkPanel';
import { useWords } from './words';
import './reports.css';

type Tab = 'licences' | 'telework';

/** 「レポート」: licence use (情報政策課) and telework by person (人事課). The server checks who may see them. */
export function ReportsScreen() {
  const say = useWords();
  const [tab, setTab] = useState<Tab>('licences');
  const tabs: [Tab, string][] = [
    ['licences', say('tabLicences')],
    ['telework', say('tabTelework')],
  ];
  return (
    <section className="reports" aria-labelledby="reports-heading" data-testid="reports-screen">
      <h1 id="reports-heading">{say('heading')}</h1>
      <div className="reports__tabs" role="tablist" aria-label={say('heading')}>
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`reports-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`reports-panel-${key}`}
            className={`reports__tab${tab === key ? ' reports__tab--current' : ''}`}
            onClick={() => setTab(key)}
            data-testid={`reports-tab-${key}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`reports-panel-${tab}`} aria-labelledby={`reports-tab-${tab}`}>
        {tab === 'licences' ? <LicencePanel /> : <TeleworkPanel />}
      </div>
    </section>
  );
}
