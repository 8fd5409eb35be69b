import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The server serves client/dist at `/` (same origin as /api and /socket.io).
// `npm run dev:client` proxies both to a server on localhost:3000.
export default defineConfig(({ mode }) => ({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    // No source map in a production build: it would hand anyone the whole client source (2 MB).
    // `vite build --mode development` keeps one for debugging.
    sourcemap: mode !== 'production',
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
}));
