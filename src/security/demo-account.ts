/**
 * The demo account of `svo start` (npm start): `demo`, role analyst, with a fresh random password at
 * every start, so a demo database copied elsewhere carries no usable password. Used by `svo start`
 * and `svo serve --demo` only (real deployments create accounts with `svo users add`).
 */
import { randomBytes } from 'node:crypto';
import { passwordProblems } from '../core/security/password-policy.js';
import type { Store } from '../store/port.js';
import { addUser, findUser, resetPassword, setDisabled } from './users.js';

export const DEMO_USERNAME = 'demo';

export function randomPassword(): string {
  for (;;) {
    const candidate = randomBytes(15).toString('base64url');
    if (passwordProblems(candidate, DEMO_USERNAME).length === 0) return candidate;
  }
}

/** Creates or re-keys the demo account; returns its new password. */
export async function ensureDemoAccount(store: Store): Promise<string> {
  const password = randomPassword();
  const existing = await findUser(store, DEMO_USERNAME);
  if (!existing) {
    await addUser(store, { username: DEMO_USERNAME, role: 'analyst', password }, 'svo start');
  } else {
    await resetPassword(store, DEMO_USERNAME, password, 'svo start');
    if (existing.disabled) await setDisabled(store, DEMO_USERNAME, false, 'svo start');
  }
  return password;
}
