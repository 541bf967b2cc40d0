/** The dashboard's static files: index.html at `/`, hashed assets cached for a year, nothing outside dist/web. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createTestStore, type TestStore } from '../support/stores.js';

describe('static dashboard files', () => {
  let t: TestStore;
  let web: string;
  let app: ReturnType<typeof buildApp>['app'];
  beforeAll(async () => {
    t = await createTestStore('duckdb');
    web = mkdtempSync(join(tmpdir(), 'svo-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>svo</title><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(web, 'assets', 'index-abc123.js'), 'export {};');
    writeFileSync(join(web, 'assets', 'maplibre-gl-worker-x1.mjs'), 'self.x = 1;');
    writeFileSync(join(web, 'secret.txt'), 'not an asset');
    app = buildApp({ store: t.store, demo: true, version: 'test', log: () => {}, webRoot: web }).app;
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(web, { recursive: true, force: true });
  });

  it('serves index.html at / to anyone, never cached, under the strict CSP', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/assets/index-abc123.js');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toMatch(/unsafe-(eval|inline)/);
  });

  it('serves hashed assets with their type and a year-long immutable cache', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const worker = await app.request('/assets/maplibre-gl-worker-x1.mjs');
    expect(worker.headers.get('content-type')).toContain('text/javascript');
  });

  it('answers 404 for anything outside the assets folder', async () => {
    for (const path of ['/assets/..%2Fsecret.txt', '/assets/%2e%2e%2fsecret.txt', '/assets/nope.js', '/secret.txt']) {
      const res = await app.request(path);
      expect([401, 404]).toContain(res.status);
      expect(await res.text()).not.toContain('not an asset');
    }
  });

  it('says how to build the dashboard when the bundle is missing', async () => {
    const bare = buildApp({ store: t.store, demo: false, version: 'test', log: () => {}, webRoot: join(web, 'missing') }).app;
    const res = await bare.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
