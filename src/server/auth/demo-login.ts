/**
 * The demo sign-in link: `svo start` (and `svo serve --demo`) print
 * `http://127.0.0.1:<port>/demo-login?token=<random>`; opening it signs the browser in as the demo
 * analyst account (src/security/demo-account.ts) and goes to the dashboard. Only in demo mode with a
 * token chosen at start-up; anything else is a plain 404, so the route gives nothing away.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { appendAudit } from '../../security/audit.js';
import { DEMO_USERNAME } from '../../security/demo-account.js';
import { findUser } from '../../security/users.js';
import type { Store } from '../../store/port.js';
import type { AppEnv } from '../access.js';
import { clientAddress, startSession } from './routes.js';

export interface DemoLoginOptions {
  store: Store;
  secure: boolean;
  /** The link's token; null outside demo mode (the route then answers 404). */
  token: string | null;
  now?: () => Date;
}

/** A fresh random link token (256 bits). */
export function newDemoLoginToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (of fixed-length digests, so the length of the guess does not leak either). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function demoLoginUrl(host: string, port: number, token: string): string {
  return `http://${host}:${port}/demo-login?token=${encodeURIComponent(token)}`;
}

export function registerDemoLogin(app: Hono<AppEnv>, options: DemoLoginOptions): void {
  const now = options.now ?? (() => new Date());
  app.get('/demo-login', async (c) => {
    const notFound = () => c.json({ error: 'not found' }, 404);
    if (!options.token || !tokenMatches(options.token, c.req.query('token'))) return notFound();
    const account = await findUser(options.store, DEMO_USERNAME);
    if (!account || account.disabled) return notFound();
    await startSession(c, options, account.username, now());
    await appendAudit(options.store, account.username, 'login.success', { from: clientAddress(c), method: 'demo link' }, now());
    return c.redirect('/', 302);
  });
}
