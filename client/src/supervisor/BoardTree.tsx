import type { DepartmentNode } from '../directory/departments';
import { useI18n } from '../i18n/i18n';
import type { NodeCounts } from './overview';

/** The chosen department and those below it, each with its counts; choosing one narrows the board. */
export function BoardTree({ root, counts, onSelect }: { root: DepartmentNode; counts: Map<string, NodeCounts>; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  const rows: DepartmentNode[] = [];
  const walk = (n: DepartmentNode) => {
    rows.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  if (rows.length < 2) return null; // no sub-departments: the counts above say it all
  return (
    <table className="board board--tree" data-testid="board-tree">
      <caption className="visually-hidden">{t('dash.tree')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dash.department')}</th>
          <th scope="col">{t('presence.teleworking')}</th>
          <th scope="col">{t('presence.in_office')}</th>
          <th scope="col">{t('avail.away')}</th>
          <th scope="col">{t('presence.offline')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((n) => {
          const c = counts.get(n.department.id) ?? { teleworking: 0, in_office: 0, away: 0, offline: 0 };
          return (
            <tr key={n.department.id} data-testid="board-tree-row" data-department-id={n.department.id}>
              <th scope="row" style={{ paddingInlineStart: `${12 + (n.depth - root.depth) * 18}px` }}>
                {n === root ? (
                  n.department.name
                ) : (
                  <button type="button" className="link-button" onClick={() => onSelect(n.department.id)}>
                    {n.department.name}
                  </button>
                )}
              </th>
              <td data-testid="tree-teleworking">{c.teleworking}</td>
              <td>{c.in_office}</td>
              <td>{c.away}</td>
              <td>{c.offline}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
