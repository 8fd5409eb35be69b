import type { Department } from '../../../shared/schemas/directory.js';
import { kanaCollator } from '../i18n/format';

export interface DepartmentNode {
  department: Department;
  children: DepartmentNode[];
  depth: number;
}

/** The department tree, siblings in Japanese order. Departments whose parent is unknown are roots. */
export function buildTree(departments: readonly Department[]): DepartmentNode[] {
  const ids = new Set(departments.map((d) => d.id));
  const byParent = new Map<string | null, Department[]>();
  for (const d of departments) {
    const parent = d.parentId && ids.has(d.parentId) ? d.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const build = (parent: string | null, depth: number): DepartmentNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => kanaCollator.compare(a.name, b.name))
      .map((department) => ({ department, depth, children: depth > 20 ? [] : build(department.id, depth + 1) }));
  return build(null, 0);
}

/** A department and every department below it. */
export function descendantsOf(departments: readonly Department[], rootId: string): Set<string> {
  const result = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of departments) {
      if (d.parentId && result.has(d.parentId) && !result.has(d.id)) {
        result.add(d.id);
        grew = true;
      }
    }
  }
  return result;
}
