// The keys a document contributes to an index: every value at each key path, arrays expanded
// the way a multikey index expands them, and the cartesian product over compound fields.
import type { Doc } from './values';

export interface FieldValues {
  values: unknown[];
  /** An array was expanded on the way (the index is multikey on this field). */
  multikey: boolean;
}

/** All values at a dotted path, expanding arrays the way a multikey index does. */
export function fieldValues(doc: unknown, field: string): FieldValues {
  const out: FieldValues = { values: [], multikey: false };
  collect(doc, field.split('.'), 0, out);
  return out;
}

export function pathValues(v: unknown, parts: string[]): unknown[] {
  const out: FieldValues = { values: [], multikey: false };
  collect(v, parts, 0, out);
  return out.values;
}

function collect(v: unknown, parts: string[], at: number, out: FieldValues): void {
  if (at === parts.length) {
    if (!Array.isArray(v)) out.values.push(v);
    else if (v.length === 0) out.values.push(undefined);
    else {
      out.multikey = true;
      out.values.push(...v);
    }
    return;
  }
  const head = parts[at];
  if (Array.isArray(v)) {
    if (/^\d+$/.test(head)) return collect(v[Number(head)], parts, at + 1, out);
    out.multikey = true;
    for (const el of v) collect(el, parts, at, out);
    return;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return collect((v as Doc)[head], parts, at + 1, out);
  out.values.push(undefined);
}

/**
 * Distinct value combinations over compound fields (cartesian product; mongod allows one array
 * field). Duplicates are decided by `str` (keyString: 1, 1.0 and Long(1) are one key), which is
 * also returned when `keep` asks for it (the key map of text/hashed unique indexes).
 */
export function keyCombos(perField: unknown[][], str: (combo: unknown[]) => string, keep: boolean): Array<{ str?: string; combo: unknown[] }> {
  if (perField.every((vals) => vals.length === 1)) {
    const combo = perField.map((vals) => (vals[0] === undefined ? null : vals[0]));
    return [keep ? { str: str(combo), combo } : { combo }];
  }
  // One array field (the usual multikey case, e.g. {searchGrams: 1, _id: -1}): its distinct
  // values, each with the other fields' single values — no keyString per combination.
  const arrays = perField.filter((vals) => vals.length !== 1).length;
  if (arrays === 1 && !keep) {
    const at = perField.findIndex((vals) => vals.length !== 1);
    const rest: unknown[] = perField.map((vals) => (vals[0] === undefined ? null : vals[0]));
    if (perField.length === 1) return distinctSingle(perField[0], str);
    return distinctSingle(perField[at], str).map(({ combo: [x] }) => {
      const combo = rest.slice();
      combo[at] = x;
      return { combo };
    });
  }
  let combos: unknown[][] = [[]];
  for (const vals of perField) combos = combos.flatMap((c) => vals.map((x) => [...c, x === undefined ? null : x]));
  const seen = new Set<string>();
  const out: Array<{ str?: string; combo: unknown[] }> = [];
  for (const combo of combos) {
    const s = str(combo);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(keep ? { str: s, combo } : { combo });
  }
  return out;
}

/**
 * One multikey field (an n-gram array): distinct values without building a keyString for
 * each string or boolean (distinct exactly when they differ as Set members); numbers and
 * everything else go through `str` (1, 1.0 and Long(1) are one key).
 */
function distinctSingle(values: unknown[], str: (combo: unknown[]) => string): Array<{ combo: unknown[] }> {
  if (values.length === 1) return [{ combo: [values[0] === undefined ? null : values[0]] }];
  const primitives = new Set<unknown>();
  const others = new Set<string>();
  const out: Array<{ combo: unknown[] }> = [];
  for (const raw of values) {
    const v = raw === undefined ? null : raw;
    const t = typeof v;
    if (t === 'string' || t === 'boolean') {
      if (primitives.has(v)) continue;
      primitives.add(v);
    } else {
      const s = str([v]);
      if (others.has(s)) continue;
      others.add(s);
    }
    out.push({ combo: [v] });
  }
  return out;
}
