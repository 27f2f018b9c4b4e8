/**
 * The web app's build (`npm run web:build` → apps/web/dist, served by the
 * gateway at /) and dev server (`npm run web:dev`: Vite with the API proxied
 * to the gateway at HUB_URL, default http://127.0.0.1:8787).
 * Preact's JSX through Vite's own transform (no framework plugin needed).
 */
import { defineConfig } from 'vite';

const gateway = process.env['HUB_URL'] ?? 'http://127.0.0.1:8787';
const proxied = ['/v1', '/mcp', '/openapi.json', '/healthz', '/readyz'];

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: gateway, changeOrigin: false }])),
  },
});
