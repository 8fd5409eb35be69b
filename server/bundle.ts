/**
 * The production build of a server entry point: one ES module file with the server's code and
 * its packages (esbuild), which Node starts without TypeScript and without resolving a thousand
 * files. A restart after a crash is the moment this matters: the server under tsx took about
 * 1.4 s to take connections again, the bundle about 0.5 s, and 3,000 people wait for it.
 *
 * `npm run build:server` builds server/main.ts into dist/server/main.mjs; the bench builds its
 * servers through bundleEntries(). Left out of the bundle: native and optional packages, which
 * load from node_modules as usual (see EXTERNAL).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const EXTERNAL = [
  // Native (libvips) and the mongod downloader: loaded from node_modules when used.
  'sharp',
  'mongodb-memory-server-core',
  // The MongoDB driver's optional extras (it tries each and carries on without it).
  'kerberos',
  '@mongodb-js/zstd',
  '@aws-sdk/credential-providers',
  'gcp-metadata',
  'snappy',
  'socks',
  'aws4',
  'mongodb-client-encryption',
  // ws's optional native speed-ups, and pino's worker-thread transports (not used here).
  'bufferutil',
  'utf-8-validate',
  'pino-pretty',
  'thread-stream',
];

/**
 * Our files find theirs next to them (`new URL('./common-passwords.txt', import.meta.url)`,
 * `../client/dist`). In one bundle every module would share the bundle's URL, so each of our
 * files gets its own: its path relative to the bundle, resolved against the bundle's URL (the
 * checkout can move; the bundle and the sources move with it).
 */
function ownModuleUrls(outdir: string): Plugin {
  return {
    name: 'own-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (!args.path.startsWith(repoRoot + path.sep) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const relative = path.relative(outdir, args.path).split(path.sep).join('/');
        const own = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', own), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
}

/** Bundles each entry (a path from the repository root) into outdir as `<name>.mjs`. */
export async function bundleEntries(entries: string[], outdir: string): Promise<string[]> {
  const absOut = path.resolve(repoRoot, outdir);
  await build({
    entryPoints: entries.map((e) => path.resolve(repoRoot, e)),
    outdir: absOut,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    plugins: [ownModuleUrls(absOut)],
    // The packages are CommonJS inside an ES module: give them require, __filename and __dirname.
    banner: {
      js: [
        "import { createRequire as __bundleRequire } from 'node:module';",
        "import { fileURLToPath as __bundlePath } from 'node:url';",
        'const require = __bundleRequire(import.meta.url);',
        'const __filename = __bundlePath(import.meta.url);',
        "const __dirname = __bundlePath(new URL('.', import.meta.url));",
      ].join('\n'),
    },
    logLevel: 'warning',
  });
  return entries.map((e) => path.join(absOut, `${path.basename(e).replace(/\.tsx?$/, '')}.mjs`));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [out] = await bundleEntries(['server/main.ts'], 'dist/server');
  console.log(`built ${path.relative(repoRoot, out!)}`);
}
