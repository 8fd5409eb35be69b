import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Modules a file loads with it (static imports and re-exports, side-effect imports included; not `import type`). */
function loadedWith(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;]*?\s+from\s+)?'([^']+)'/gms)].map((m) => m[1]!);
}

/** Every source file and package loaded, statically, with `entry`: what arrives in the same go. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!/\.tsx?$/.test(file)) return;
    for (const spec of loadedWith(file)) {
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec).replace(/\.js$/, '');
      const found = [base, `${base}.ts`, `${base}.tsx`].find((f) => existsSync(f) && statSync(f).isFile());
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
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

  test('the history, with its rows and the list virtualiser, is not in the first load', () => {
    const eager = staticGraph(path.join(root, 'main.tsx'));
    expect(eager.has(path.join(root, 'conversations/MessageList.tsx'))).toBe(false);
    expect(eager.has(path.join(root, 'conversations/MessageRow.tsx'))).toBe(false);
    expect(eager.has('@tanstack/react-virtual')).toBe(false);
  });

  test('a message row arrives with all its parts: nothing it draws is loaded lazily after it', () => {
    // A part loaded on its own would make the row grow after its first draw, moving the history
    // under a reader pinned to the newest message.
    const row = [...staticGraph(path.join(root, 'conversations/MessageRow.tsx'))].filter((f) => f.startsWith(path.join(root, 'conversations')));
    for (const part of ['MessageActions', 'ReactionBar', 'ReplyQuote', 'AckControls', 'EditBox', 'ReactionPicker']) {
      expect(row).toContain(path.join(root, `conversations/actions/${part}.tsx`));
    }
    const lazyInRow = row.filter((f) => /\blazy\(|\bimport\(/.test(readFileSync(f, 'utf8')));
    expect(lazyInRow).toEqual([]);
  });
});
