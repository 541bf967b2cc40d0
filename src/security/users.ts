/**
 * Accounts: add, list, disable/enable, reset password, and sign-in with lockout. Usernames of staff
 * accounts are not personal data about victims or suspects; passwords are only ever held as scrypt
 * hashes.
 */
import { UsageError, SvoError } from '../core/errors.js';
import { passwordProblems } from '../core/security/password-policy.js';
import { isRole, ROLES, type Role } from '../core/security/roles.js';
import type { Queryable, Store } from '../store/port.js';
import { appendAudit } from './audit.js';
import { addSeconds, isoTime } from './clock.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';

/** The fifth failed sign-in in a row locks the account for a minute; each further failure doubles the lock, up to an hour. */
export const LOCKOUT = { freeAttempts: 5, firstLockSeconds: 60, maxLockSeconds: 3600 } as const;

export interface User {
  username: string;
  role: Role;
  /** The agency a partner belongs to (their record-level scope). */
  agency: string | null;
  /** LSOA/MSOA/LAD codes a partner may see record-level data for; empty = every area of their agency. */
  areas: string[];
  disabled: boolean;
  lockedUntil: string | null;
  failedAttempts: number;
  createdAt: string;
}

interface UserRow {
  [key: string]: string | number | boolean | null;
  username: string;
  role: string;
  agency: string | null;
  areas: string | null;
  password_hash: string;
  disabled: boolean;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
}

const COLUMNS = 'username, role, agency, areas, password_hash, disabled, failed_attempts, locked_until, created_at';

function toUser(r: UserRow): User {
  return {
    username: r.username,
    role: r.role as Role,
    agency: r.agency,
    areas: r.areas ? r.areas.split(',').filter((a) => a !== '') : [],
    disabled: Boolean(r.disabled),
    lockedUntil: r.locked_until,
    failedAttempts: Number(r.failed_attempts),
    createdAt: r.created_at,
  };
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export function checkUsername(username: string): string {
  const u = username.trim().toLowerCase();
  if (!USERNAME.test(u)) throw new UsageError(`username '${username}' is not valid`, 'use 2–63 characters: lower-case letters, digits, dot, dash, underscore');
  return u;
}

export function checkPassword(password: string, username: string): void {
  const problems = passwordProblems(password, username);
  if (problems.length) throw new UsageError(`the password ${problems.join('; ')}`, 'use a passphrase of several unrelated words');
}

export interface NewUser {
  username: string;
  role: string;
  agency?: string | undefined;
  areas?: string[] | undefined;
  password: string;
}

export async function addUser(store: Store, input: NewUser, actor: string, now = new Date()): Promise<User> {
  const username = checkUsername(input.username);
  if (!isRole(input.role)) throw new UsageError(`unknown role '${input.role}'`, `roles: ${ROLES.join(', ')}`);
  const role = input.role;
  if (role === 'partner' && !input.agency) throw new UsageError('a partner account needs --agency (their record-level scope)');
  const areas = (input.areas ?? []).map((a) => a.trim().toUpperCase()).filter((a) => a !== '');
  const bad = areas.filter((a) => !/^[EWSN]\d{8}$/.test(a));
  if (bad.length) throw new UsageError(`not area codes: ${bad.join(', ')}`, 'use ONS codes such as E01025634 (LSOA), E02… (MSOA) or E06… (local authority)');
  checkPassword(input.password, username);
  const hash = await hashPassword(input.password);
  const t = isoTime(now);
  await store.transaction(async (tx) => {
    if ((await tx.query(`SELECT 1 AS found FROM users WHERE username = $1`, [username])).length) throw new UsageError(`user '${username}' already exists`, 'use svo users reset to change the password');
    await tx.run(
      `INSERT INTO users (username, role, agency, areas, password_hash, disabled, failed_attempts, locked_until, created_at, updated_at, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, FALSE, 0, NULL, $6, $6, $6)`,
      [username, role, input.agency ?? null, areas.join(','), hash, t],
    );
  });
  await appendAudit(store, actor, 'user.add', { username, role, agency: input.agency ?? null, areas }, now);
  return (await findUser(store, username))!;
}

export async function findUser(db: Queryable, username: string): Promise<User | null> {
  const [row] = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username.trim().toLowerCase()]);
  return row ? toUser(row) : null;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  return (await db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`)).map(toUser);
}

async function mustExist(db: Queryable, username: string): Promise<User> {
  const user = await findUser(db, username);
  if (!user) throw new SvoError(`no user '${username}'`, 2, 'svo users list shows who exists');
  return user;
}

/** Disables (or re-enables) an account; disabling also ends its sessions. */
export async function setDisabled(store: Store, username: string, disabled: boolean, actor: string, now = new Date()): Promise<void> {
  const user = await mustExist(store, username);
  await store.transaction(async (tx) => {
    await tx.run(`UPDATE users SET disabled = $1, updated_at = $2 WHERE username = $3`, [disabled, isoTime(now), user.username]);
    if (disabled) await tx.run(`DELETE FROM sessions WHERE username = $1`, [user.username]);
  });
  await appendAudit(store, actor, disabled ? 'user.disable' : 'user.enable', { username: user.username }, now);
}

/** Sets a new password, clears any lockout and ends the account's sessions. */
export async function resetPassword(store: Store, username: string, password: string, actor: string, now = new Date()): Promise<void> {
  const user = await mustExist(store, username);
  checkPassword(password, user.username);
  const hash = await hashPassword(password);
  const t = isoTime(now);
  await store.transaction(async (tx) => {
    await tx.run(`UPDATE users SET password_hash = $1, failed_attempts = 0, locked_until = NULL, updated_at = $2, password_changed_at = $2 WHERE username = $3`, [hash, t, user.username]);
    await tx.run(`DELETE FROM sessions WHERE username = $1`, [user.username]);
  });
  await appendAudit(store, actor, 'user.reset', { username: user.username }, now);
}

export type SignInResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' | 'disabled'; retryAfterSeconds?: number };

/**
 * Checks a password. Every outcome is audited. After `freeAttempts` failures the account is locked
 * for a minute, doubling with each further failure up to an hour; a success clears the count.
 * Unknown usernames cost the same scrypt time and get the same answer as a wrong password.
 */
export async function signIn(store: Store, username: string, password: string, now = new Date(), from: string | null = null): Promise<SignInResult> {
  const name = username.trim().toLowerCase();
  const [row] = await store.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [name]);
  // The attempted name is only recorded when it is an account: a password typed into the username
  // box must not end up in the audit log.
  const who = row ? name : '(unknown account)';
  if (!row) {
    await verifyPassword(password, await decoyHash());
    await appendAudit(store, who, 'login.failure', { reason: 'invalid', from }, now);
    return { ok: false, reason: 'invalid' };
  }
  if (row.locked_until && row.locked_until > isoTime(now)) {
    const retryAfterSeconds = Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 1000);
    await appendAudit(store, who, 'login.failure', { reason: 'locked', from }, now);
    return { ok: false, reason: 'locked', retryAfterSeconds };
  }
  const matches = await verifyPassword(password, row.password_hash);
  if (!matches) {
    const failures = Number(row.failed_attempts) + 1;
    const over = failures - LOCKOUT.freeAttempts + 1;
    const lockSeconds = over > 0 ? Math.min(LOCKOUT.maxLockSeconds, LOCKOUT.firstLockSeconds * 2 ** (over - 1)) : 0;
    const lockedUntil = lockSeconds ? isoTime(addSeconds(now, lockSeconds)) : null;
    await store.run(`UPDATE users SET failed_attempts = $1, locked_until = $2 WHERE username = $3`, [failures, lockedUntil, name]);
    await appendAudit(store, who, 'login.failure', { reason: 'invalid', failures, from }, now);
    if (lockSeconds) await appendAudit(store, 'svo', 'user.locked', { username: name, seconds: lockSeconds }, now);
    return lockSeconds ? { ok: false, reason: 'locked', retryAfterSeconds: lockSeconds } : { ok: false, reason: 'invalid' };
  }
  if (row.disabled) {
    await appendAudit(store, who, 'login.failure', { reason: 'disabled', from }, now);
    return { ok: false, reason: 'disabled' };
  }
  await store.run(`UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = $1`, [name]);
  await appendAudit(store, who, 'login.success', { from }, now);
  return { ok: true, user: toUser({ ...row, failed_attempts: 0, locked_until: null }) };
}
