/**
 * Server-side sessions. The browser holds a random 256-bit token in an HttpOnly cookie; the database
 * holds only its SHA-256, so a copy of the database cannot be used to sign in. A second random token
 * (CSRF) is returned by sign-in and must come back in the X-CSRF-Token header of every state-changing
 * request; it too is stored hashed.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../store/port.js';
import { addSeconds, isoTime } from './clock.js';
import { findUser, type User } from './users.js';

/** Idle timeout and absolute lifetime (NCSC guidance for sensitive services: short idle, bounded total). */
export const SESSION_LIMITS = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 3600 } as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/**
 * The CSRF token of a session, derived from its session token (HMAC), so the server can hand it again
 * to a same-origin page that holds the cookie (a new tab, or after the demo sign-in link) without
 * storing it. A cross-site page can neither read that answer nor derive the token without the cookie.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('svo-csrf-v1').digest('base64url');
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(db: Queryable, username: string, now = new Date()): Promise<NewSession> {
  const token = newToken();
  const csrfToken = csrfTokenFor(token);
  const t = isoTime(now);
  const expiresAt = isoTime(addSeconds(now, SESSION_LIMITS.absoluteSeconds));
  await db.run(`DELETE FROM sessions WHERE expires_at <= $1`, [t]);
  await db.run(`INSERT INTO sessions (token_hash, username, csrf_hash, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`, [
    sha256(token),
    username,
    sha256(csrfToken),
    t,
    expiresAt,
  ]);
  return { token, csrfToken, expiresAt };
}

export interface ActiveSession {
  user: User;
  tokenHash: string;
  csrfHash: string;
}

/** The session for a token when it is current (not idle too long, not past its lifetime, account enabled). */
export async function resumeSession(db: Queryable, token: string, now = new Date()): Promise<ActiveSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = sha256(token);
  const [row] = await db.query<{ username: string; csrf_hash: string; last_seen_at: string; expires_at: string }>(
    `SELECT username, csrf_hash, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`,
    [tokenHash],
  );
  if (!row) return null;
  const t = isoTime(now);
  const idleLimit = isoTime(addSeconds(new Date(row.last_seen_at), SESSION_LIMITS.idleSeconds));
  if (row.expires_at <= t || idleLimit <= t) {
    await db.run(`DELETE FROM sessions WHERE token_hash = $1`, [tokenHash]);
    return null;
  }
  const user = await findUser(db, row.username);
  if (!user || user.disabled) return null;
  await db.run(`UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, [t, tokenHash]);
  return { user, tokenHash, csrfHash: row.csrf_hash };
}

export function csrfMatches(session: ActiveSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(sha256(header), 'hex');
  const b = Buffer.from(session.csrfHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function endSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.run(`DELETE FROM sessions WHERE token_hash = $1`, [tokenHash]);
}
