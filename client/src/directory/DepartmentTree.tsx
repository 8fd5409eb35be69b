import { useState } from 'react';
import type { DepartmentNode } from './departments';
import { useI18n } from '../i18n/i18n';
import '../i18n/ja-screens'; // this screen's strings (kept out of the first load)

interface Props {
  tree: DepartmentNode[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}

/** The department tree: a button per department, with expand/collapse for those with children. */
export function DepartmentTree({ tree, selectedId, onSelect }: Props) {
  const { t } = useI18n();
  return (
    <nav className="dept-tree" aria-labelledby="dept-tree-heading">
      <h2 id="dept-tree-heading" className="small dept-tree__heading">
        {t('dir.departments')}
      </h2>
      <ul>
        <li>
          <button
            type="button"
            className={`dept-tree__item${selectedId === null ? ' dept-tree__item--selected' : ''}`}
            aria-current={selectedId === null ? 'true' : undefined}
            onClick={() => onSelect(null)}
          >
            {t('dir.allDepartments')}
          </button>
        </li>
        {tree.map((node) => (
          <TreeNode key={node.department.id} node={node} selectedId={selectedId} onSelect={onSelect} />
        ))}
      </ul>
    </nav>
  );
}

function TreeNode({ node, selectedId, onSelect }: { node: DepartmentNode; selectedId: string | null; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(node.depth < 1);
  const { department, children } = node;
  const selected = department.id === selectedId;
  return (
    <li>
      <div className="dept-tree__line" style={{ paddingInlineStart: `${node.depth * 14}px` }}>
        {children.length > 0 ? (
          <button
            type="button"
            className="dept-tree__toggle"
            aria-expanded={expanded}
            aria-label={t(expanded ? 'dir.collapse' : 'dir.expand', { name: department.name })}
            onClick={() => setExpanded((e) => !e)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="dept-tree__toggle" aria-hidden="true" />
        )}
        <button
          type="button"
          className={`dept-tree__item${selected ? ' dept-tree__item--selected' : ''}`}
          aria-current={selected ? 'true' : undefined}
          onClick={() => onSelect(department.id)}
          data-testid="department-item"
          data-department-id={department.id}
        >
          {department.name}
        </button>
      </div>
      {expanded && children.length > 0 && (
        <ul>
          {children.map((child) => (
            <TreeNode key={child.department.id} node={child} selectedId={selectedId} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  );
}
