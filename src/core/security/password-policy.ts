/**
 * Password policy, pure. NCSC / NIST SP 800-63B style: length over complexity rules, and refuse
 * passwords that are common, breached-pattern or built from the username. No composition rules.
 */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

const COMMON = new Set(COMMON_PASSWORDS);

/** Keyboard and alphabet runs that make up many breached passwords. */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1qaz2wsx3edc'];

/** Undo the usual substitutions (p@ssw0rd → password) before comparing with the list. */
function unleet(text: string): string {
  return text.replace(/[@4]/g, 'a').replace(/3/g, 'e').replace(/[1!|]/g, 'i').replace(/0/g, 'o').replace(/[$5]/g, 's').replace(/7/g, 't');
}

/** Every problem with a proposed password (empty when it is acceptable). */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters (got ${length})`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  const core = lower.replace(/[^a-z0-9@$!|]/g, '');
  const stripped = unleet(core.replace(/[\d!$@|]+$/, '').replace(/^[\d!$@|]+/, ''));
  if (COMMON.has(lower) || COMMON.has(core) || COMMON.has(stripped) || COMMON.has(unleet(core))) {
    problems.push('is one of the most common (breached) passwords');
  } else if ([...COMMON].some((c) => c.length >= 6 && (stripped === c || stripped === c + c))) {
    problems.push('is a common password with a few characters added');
  }
  const user = username.toLowerCase();
  if (user.length >= 3 && (lower.includes(user) || unleet(core).includes(user))) problems.push('must not contain the username');
  if (/^(.)\1*$/u.test(password) || new Set(password).size <= 3) problems.push('uses too few different characters');
  if (/(.{1,3})\1{3,}/u.test(password) && new Set(password).size < length / 2) problems.push('is mostly a repeated pattern');
  if (SEQUENCES.some((s) => s.includes(lower) || (lower.length >= 8 && s.includes(lower.slice(0, 8)) && s.includes(lower.slice(-4))))) {
    problems.push('is a keyboard or alphabet sequence');
  }
  return problems;
}
