import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SvoError } from '../../core/errors.js';
import { hmacSha256Base64Url32 } from './keyed-hash.js';

/**
 * Keyed pseudonymisation (see docs/adr/0003-pseudonymisation.md): HMAC-SHA256 over the agency and the
 * normalised identifier, so the same person gets the same key across files from one agency while the
 * raw identifier never reaches the database, logs or rejects, and nobody without the key can test a
 * guessed identifier against a stored key.
 */
export interface Pseudonymiser {
  /** A stable pseudonymous key for an identifier from an agency; null for a blank identifier. */
  key(agency: string, identifier: string): string | null;
  /** The key, so that a worker thread of this process can pseudonymise the same way (never logged or stored). */
  readonly secret: Uint8Array;
}

export const DEFAULT_KEY_FILE = './data/pseudonym.key';

export function createPseudonymiser(secret: Buffer): Pseudonymiser {
  if (secret.length < 16) throw new SvoError('the pseudonymisation key must be at least 16 bytes');
  const hmac = hmacSha256Base64Url32(secret);
  const agencies = new Map<string, string>();
  // Extracts repeat a crime once per person pairing, so a row's victim and suspect are often those of
  // the row before: the last two identifiers are remembered (one slot would be taken by each role in
  // turn and never hit).
  const recent = [
    { agency: '', identifier: '', key: null as string | null },
    { agency: '', identifier: '', key: null as string | null },
  ];
  return {
    secret: Uint8Array.from(secret),
    key(agency, identifier) {
      const [a, b] = recent as [(typeof recent)[0], (typeof recent)[0]];
      if (identifier === a.identifier && agency === a.agency) return a.key;
      if (identifier === b.identifier && agency === b.agency) {
        recent[0] = b;
        recent[1] = a;
        return b.key;
      }
      const normalised = identifier.trim().toUpperCase();
      let prefix = agencies.get(agency);
      if (prefix === undefined) agencies.set(agency, (prefix = `${agency.trim().toLowerCase()}\x1f`));
      // The less recently used slot takes the new identifier.
      recent[0] = b;
      recent[1] = a;
      b.agency = agency;
      b.identifier = identifier;
      b.key = normalised === '' ? null : hmac(prefix + normalised);
      return b.key;
    },
  };
}

/** Creates a new random key file readable by its owner only (0600). Refuses to overwrite. */
export function createKeyFile(path: string): void {
  if (existsSync(path)) throw new SvoError(`${path} already exists; refusing to replace a pseudonymisation key`, 1, 'replacing it would break the link between records already stored');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * The key comes from SVO_PSEUDONYM_KEY, or from the key file (created by `svo init`, or on first use
 * when `createIfMissing`). A key file readable by others is refused.
 */
export function loadPseudonymKey(env: NodeJS.ProcessEnv, keyFile: string, createIfMissing: boolean): Buffer {
  const fromEnv = env.SVO_PSEUDONYM_KEY;
  if (fromEnv && fromEnv.trim() !== '') return Buffer.from(fromEnv.trim(), 'utf8');
  if (!existsSync(keyFile)) {
    if (!createIfMissing) {
      throw new SvoError(`no pseudonymisation key: set SVO_PSEUDONYM_KEY or run 'svo init' to create ${keyFile}`, 1);
    }
    createKeyFile(keyFile);
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SvoError(`${keyFile} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${keyFile}`);
  }
  return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
}
