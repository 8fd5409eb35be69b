/**
 * The client's first load: build it (`npm run build:client`), then sum the gzip sizes of the JS
 * that index.html loads up front (its module scripts and modulepreloads), leaving lazy chunks out.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../suite/children.js';
import type { Context } from '../suite/context.js';

export async function bundleScenario(ctx: Context): Promise<void> {
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['run', 'build:client'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.once('exit', (c) => {
      clearTimeout(timer);
      if (c !== 0) ctx.log(err.slice(-2000));
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`npm run build:client failed (${code})`);
  const dist = path.join(repoRoot, 'client/dist');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const upFront = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) upFront.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) upFront.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*href="([^"]+\.js)"[^>]*rel="modulepreload"/g)) upFront.add(m[1]!);
  const gz = (file: string) => {
    const buf = readFileSync(path.join(dist, file.replace(/^\//, '')));
    return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const files = [...upFront].map((f) => ({ file: f, ...gz(f) }));
  const allJs = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  const lazy = allJs.filter((f) => !upFront.has(`/assets/${f}`)).map((f) => ({ file: `/assets/${f}`, ...gz(`assets/${f}`) }));
  const sum = (xs: { gzip: number }[]) => xs.reduce((a, b) => a + b.gzip, 0);
  ctx.log(`  first-load JS: ${(sum(files) / 1024).toFixed(1)} KB gzip in ${files.length} file(s); ${lazy.length} lazy chunk(s)`);
  ctx.results.add(
    'bundle',
    'A',
    {
      firstLoadGzipKB: sum(files) / 1024,
      firstLoadRawKB: files.reduce((a, b) => a + b.raw, 0) / 1024,
      firstLoadFiles: files.length,
      lazyGzipKB: sum(lazy) / 1024,
      lazyChunks: lazy.length,
      buildS: (performance.now() - t0) / 1000,
    },
    { files, lazy },
  );
}
