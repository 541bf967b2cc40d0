/**
 * Serves the browser dashboard built by Vite into dist/web: `index.html` at `/` (never cached, so a new
 * build is picked up at once) and the content-hashed files under `/assets/` (cached for a year: a new
 * build has new names). Static files hold no data, so they are open to anyone; every number the
 * dashboard shows comes from the access-controlled API. When the bundle is missing, `/` says how to
 * build it instead of failing.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env, Hono } from 'hono';

/** dist/web from src/server (tsx) and from dist/server (compiled) alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

const ASSET_NAME = /^[A-Za-z0-9._-]+$/;

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Serious Violence Observatory</title></head>
<body><main>
<h1>Serious Violence Observatory</h1>
<p>The dashboard has not been built yet. From the repository root run <code>npm run build</code>
(or <code>npx vite build</code>) and reload this page.</p>
<p>The API works without it: <a href="/api/openapi.json">/api/openapi.json</a> lists every endpoint.</p>
</main></body></html>`;

export function registerStatic<E extends Env>(app: Hono<E>, webRoot: string = DEFAULT_WEB_ROOT): void {
  app.get('/', async (c) => {
    const index = join(webRoot, 'index.html');
    if (!existsSync(index)) return c.html(NOT_BUILT_PAGE, 503);
    return c.html(await readFile(index, 'utf8'));
  });
  app.get('/assets/:file', async (c) => {
    const name = c.req.param('file');
    // One path segment of safe characters: no way out of the assets folder.
    if (!ASSET_NAME.test(name) || name !== basename(name)) return c.json({ error: 'not found' }, 404);
    let body: Buffer;
    try {
      body = await readFile(join(webRoot, 'assets', name));
    } catch {
      return c.json({ error: 'not found' }, 404);
    }
    c.header('Content-Type', TYPES[extname(name)] ?? 'application/octet-stream');
    // Names carry a content hash: a new build has new names, so a year is safe.
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(body));
  });
}
