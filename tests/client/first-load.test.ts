import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

// The schema library (zod) is the server's boundary check; in the browser it would only add weight
// to everyone's first load. The client may take types from shared/schemas, and plain values from
// shared/constants.ts and shared/errors.ts, which import nothing.
const root = path.resolve(__dirname, '../../client/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

/** Every `import … from '…'` that brings values (not `import type`), with its module. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gms)) {
    const names = m[1]!;
    // `import { type A, type B } from …` brings no values either.
    const braces = names.match(/^\{([^}]*)\}$/s);
    if (braces && braces[1]!.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    found.push(m[2]!);
  }
  return found;
}

describe("the web client's first load", () => {
  test('no client module imports zod or a schema module for its values', () => {
    const offenders = sources(root).flatMap((file) =>
      valueImports(file)
        .filter((mod) => mod === 'zod' || mod.includes('shared/schemas') || mod.includes('shared/events'))
        .map((mod) => `${path.relative(root, file)} → ${mod}`),
    );
    expect(offenders).toEqual([]);
  });

  test('shared modules the client may import for values import nothing themselves', () => {
    for (const file of ['../../shared/constants.ts', '../../shared/errors.ts']) {
      expect(valueImports(path.resolve(__dirname, file))).toEqual([]);
    }
  });
});
