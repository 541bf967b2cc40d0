import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { openStore, resolveStoreLocation } from '../store/open.js';
import type { Store } from '../store/port.js';
import type { IngestContext } from '../ingest/common/types.js';
import { syncDefinitions, readDefinitionFiles, definitionDirs } from '../classify/definitions.js';
import { syncHocrCodes } from '../classify/reference.js';
import { createPseudonymiser, DEFAULT_KEY_FILE, loadPseudonymKey, type Pseudonymiser } from '../ingest/common/pseudonymise.js';
import { terminal, type Output } from './output.js';

export interface GlobalOptions {
  db?: string;
}

/** Opens the store named by --db, DATABASE_URL, SVO_DB or the default, with definitions in place. */
export async function openCliStore(options: GlobalOptions): Promise<Store> {
  const store = await openStore(resolveStoreLocation({ dbPath: options.db }));
  try {
    await syncHocrCodes(store);
    await syncDefinitions(store, readDefinitionFiles(definitionDirs()));
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function ingestContext(store: Store, out: Output = terminal): IngestContext {
  return { store, user: cliUser(), progress: out.progress(), log: (m) => out.note(m), now: () => new Date() };
}

/** The pseudonymisation key from SVO_PSEUDONYM_KEY or the key file (created on first use). */
export function cliPseudonymiser(out: Output = terminal): Pseudonymiser {
  const keyFile = process.env.SVO_PSEUDONYM_KEY_FILE ?? DEFAULT_KEY_FILE;
  const existed = Boolean(process.env.SVO_PSEUDONYM_KEY) || existsSync(keyFile);
  const pseudonymiser = createPseudonymiser(loadPseudonymKey(process.env, keyFile, true));
  if (!existed) out.note(`created pseudonymisation key ${keyFile} (mode 0600): back it up with the database; without it new records no longer link to stored ones`);
  return pseudonymiser;
}

export async function withStore<T>(options: GlobalOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
