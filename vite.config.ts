/**
 * Bundles the browser dashboard (src/present/dashboard) into dist/web: hashed assets, no CDN, MapLibre's
 * CSS and worker included. `npm run build` runs it; the e2e tests call `buildDashboard()` when the
 * bundle is older than its sources. The server serves the result (src/server/static.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/present/dashboard', import.meta.url));
export const WEB_OUT_DIR = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: WEB_OUT_DIR,
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // ECharts and MapLibre are large by nature; the map and XLSX writer load on demand in their own chunks.
    chunkSizeWarningLimit: 1500,
    // Inlined assets would be data: URLs; keep every asset a file so the CSP stays 'self'.
    assetsInlineLimit: 0,
  },
});
