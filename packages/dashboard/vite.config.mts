import { defineConfig } from 'vite';

// Static files with relative URLs, so the same dist/ works at /, /dashboard/ or any path of any static host.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    assetsInlineLimit: 0,
  },
  // `npx vite` in this folder: a dev server that forwards the API to a local stack on :3000.
  server: { port: 5173, strictPort: true, proxy: { '/reviews': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000', '/analytics': 'http://127.0.0.1:3000' } },
});
