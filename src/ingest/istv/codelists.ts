/** Loading the ISTV code lists: --codelists, else SVO_ISTV_CODELISTS, else the shipped default. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SvoError } from '../../core/errors.js';
import { parseIstvCodeLists, type IstvCodes } from '../../core/istv/codelists.js';

/** codelists/istv.yaml in the installed package (from src/ or dist/). */
export const DEFAULT_ISTV_CODELISTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../codelists/istv.yaml');

export function istvCodeListsPath(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  return given ?? (env.SVO_ISTV_CODELISTS?.trim() || DEFAULT_ISTV_CODELISTS);
}

export function loadIstvCodes(given?: string, env: NodeJS.ProcessEnv = process.env): IstvCodes {
  const path = istvCodeListsPath(given, env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SvoError(`the ISTV code lists ${path} cannot be read`, 2, 'give --codelists <file> or set SVO_ISTV_CODELISTS; the default is codelists/istv.yaml');
  }
  return parseIstvCodeLists(text, path);
}
