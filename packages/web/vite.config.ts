import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Builds the UI into packages/web/dist, which the server serves at `/`. */
export default defineConfig({
  root,
  base: '/',
  // React 19 automatic JSX without a plugin (no fast refresh needed for a build-served UI).
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    // Not 'assets': that is a UI route (/assets/<key>), and the server 404s missing build files.
    assetsDir: 'static',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
