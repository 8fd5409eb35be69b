import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import express, { Router, type Response } from 'express';

/** Content-addressed files Vite writes under /assets: their name changes whenever they do. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ASSET_NAME = /^[A-Za-z0-9._-]{1,200}$/;
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

interface Variants {
  /** Our own content type, or the file extension for Express to look up. */
  type: string | undefined;
  ext: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/**
 * The built client: hashed files under /assets compressed (brotli or gzip, chosen by
 * Accept-Encoding; compressed once, then kept in memory: the files never change while the process
 * lives) and cached for a year, `immutable`; index.html and other files revalidated on every load
 * (`no-cache`), so a new release reaches everyone at their next load. Source maps are never served.
 */
export function clientRoutes(dir: string): Router {
  const router = Router();
  const cache = new Map<string, Promise<Variants | null>>();

  router.get(/\.map$/, (_req, res) => void res.status(404).type('text/plain').send('not found'));

  router.get('/assets/:file', async (req, res, next) => {
    const file = String(req.params.file);
    if (!ASSET_NAME.test(file)) return next();
    let variants = cache.get(file);
    if (!variants) {
      variants = load(path.join(dir, 'assets', file));
      cache.set(file, variants);
    }
    const v = await variants;
    if (!v) {
      cache.delete(file);
      res.status(404).type('text/plain').send('not found');
      return;
    }
    sendAsset(res, v, String(req.headers['accept-encoding'] ?? ''));
  });

  const revalidate = (res: Response) => res.set('Cache-Control', 'no-cache');
  router.use(express.static(dir, { index: false, setHeaders: revalidate }));
  // The client routes in the browser: any other page gets the app.
  router.get(/^\/(?!api\/|socket\.io\/|assets\/).*/, (_req, res) => {
    revalidate(res);
    res.sendFile(path.join(dir, 'index.html'));
  });
  return router;
}

async function load(file: string): Promise<Variants | null> {
  const identity = await readFile(file).catch(() => null);
  if (!identity) return null;
  const ext = path.extname(file);
  const variants: Variants = { type: TYPES[ext], ext, identity };
  if (COMPRESSIBLE.test(file) && identity.length > 1024) {
    // Off the event loop (zlib's thread pool), once per file per process.
    [variants.br, variants.gzip] = await Promise.all([
      brotli(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }),
      gzipped(identity, { level: 9 }),
    ]);
  }
  return variants;
}

function sendAsset(res: Response, v: Variants, acceptEncoding: string): void {
  const accepts = (name: string) => new RegExp(`(^|[,\\s])${name}(?!;q=0(\\.0*)?(\\s|,|$))`).test(acceptEncoding);
  const [encoding, body] =
    v.br && accepts('br') ? ['br', v.br] : v.gzip && accepts('gzip') ? ['gzip', v.gzip] : [undefined, v.identity];
  if (v.type) res.set('Content-Type', v.type);
  else res.type(v.ext);
  res.set({ 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' });
  if (encoding) res.set('Content-Encoding', encoding);
  res.send(body);
}
