/**
 * Sign-in and sign-out. POST /api/login takes {username, password} and answers with a session cookie
 * (HttpOnly, SameSite=Strict, Secure and `__Host-` prefixed when served over TLS) and a CSRF token
 * that must be sent back as X-CSRF-Token on every state-changing request.
 *
 * OIDC is a seam, not implemented: an `IdentityProvider` that turns a callback into a `User` of this
 * store can be mounted beside the password route and would call `startSession` the same way.
 */
import type { Context, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Store } from '../../store/port.js';
import { appendAudit } from '../../security/audit.js';
import { createSession, csrfMatches, csrfTokenFor, endSession, resumeSession, SESSION_LIMITS, type NewSession } from '../../security/sessions.js';
import { signIn, type User } from '../../security/users.js';
import type { AppEnv, SessionLookup } from '../access.js';
import { RateLimiter } from '../rate-limit.js';

/** Where a future OIDC sign-in plugs in: it proves who someone is and returns their local account. */
export interface IdentityProvider {
  readonly name: string;
  /** URL to send the browser to. */
  authorizationUrl(state: string): string;
  /** Validates the callback (code, state, nonce, ID token signature) and returns the matching account. */
  completeSignIn(callback: URLSearchParams): Promise<User>;
}

export interface AuthOptions {
  store: Store;
  /** Served over TLS (directly or behind a TLS proxy): Secure cookies with the __Host- prefix. */
  secure: boolean;
  /** Sign-in attempts a minute per client address (default 10). */
  loginAttemptsPerMinute?: number;
  now?: () => Date;
}

const loginSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).strict();

export const cookieName = (secure: boolean) => (secure ? '__Host-svo_session' : 'svo_session');

/** The client address for rate limiting (the socket's, when served by Node). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

export function sessionLookup(options: AuthOptions): SessionLookup {
  const now = options.now ?? (() => new Date());
  return async (c) => {
    const token = getCookie(c, cookieName(options.secure));
    if (!token) return null;
    const session = await resumeSession(options.store, token, now());
    if (!session) return null;
    return { user: session.user, sessionHash: session.tokenHash, csrfOk: csrfMatches(session, c.req.header('x-csrf-token')) };
  };
}

/**
 * Starts a session for an account that has proved who it is (password sign-in, the demo link, a future
 * OIDC callback) and sets the session cookie on the response. The one place the cookie is written.
 */
export async function startSession(c: Context, options: Pick<AuthOptions, 'store' | 'secure'>, username: string, now: Date): Promise<NewSession> {
  const session = await createSession(options.store, username, now);
  setCookie(c, cookieName(options.secure), session.token, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_LIMITS.absoluteSeconds,
  });
  return session;
}

export function registerAuthRoutes(app: Hono<AppEnv>, options: AuthOptions): void {
  const now = options.now ?? (() => new Date());
  // Per client address, whatever the account (the lockout is per account).
  const limiter = new RateLimiter(options.loginAttemptsPerMinute ?? 10, 60_000);

  app.post('/api/login', async (c) => {
    const wait = limiter.hit(clientAddress(c));
    if (wait) {
      c.header('Retry-After', String(wait));
      return c.json({ error: 'too many sign-in attempts; wait and try again' }, 429);
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'the body must be JSON: {"username": …, "password": …}' }, 400);
    }
    const parsed = loginSchema.safeParse(body);
    if (!parsed.success) return c.json({ error: 'the body must be JSON: {"username": …, "password": …}' }, 400);
    const result = await signIn(options.store, parsed.data.username, parsed.data.password, now(), clientAddress(c));
    if (!result.ok) {
      if (result.reason === 'locked') {
        c.header('Retry-After', String(result.retryAfterSeconds ?? 60));
        return c.json({ error: 'too many failed attempts: this account is locked for a while' }, 429);
      }
      return c.json({ error: 'wrong username or password, or the account is disabled' }, 401);
    }
    const session = await startSession(c, options, result.user.username, now());
    return c.json({ username: result.user.username, role: result.user.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  app.post('/api/logout', async (c) => {
    const access = c.get('access');
    if (access.sessionHash) await endSession(options.store, access.sessionHash);
    if (access.user) await appendAudit(options.store, access.user.username, 'logout', {}, now());
    deleteCookie(c, cookieName(options.secure), { path: '/', secure: options.secure });
    return c.json({ signedOut: true });
  });

  app.get('/api/session', (c) => {
    const { user, disclosure } = c.get('access');
    // The session's CSRF token again, for a page that signed in elsewhere (another tab, the demo link).
    const token = getCookie(c, cookieName(options.secure));
    return c.json({
      username: user?.username ?? null,
      role: user?.role ?? null,
      agency: user?.agency ?? null,
      disclosureControlled: disclosure,
      ...(user && token ? { csrfToken: csrfTokenFor(token) } : {}),
    });
  });
}
