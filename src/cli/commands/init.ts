import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { createKeyFile, DEFAULT_KEY_FILE } from '../../ingest/common/pseudonymise.js';
import { withStore, type GlobalOptions } from '../context.js';
import { terminal } from '../output.js';

export function registerInit(program: Command, global: () => GlobalOptions): void {
  program
    .command('init')
    .description('create the pseudonymisation key file (0600) and the database schema')
    .action(async () => {
      const keyFile = process.env.SVO_PSEUDONYM_KEY_FILE ?? DEFAULT_KEY_FILE;
      if (process.env.SVO_PSEUDONYM_KEY) terminal.note('using the key in SVO_PSEUDONYM_KEY; no key file created');
      else if (existsSync(keyFile)) terminal.note(`key file ${keyFile} already exists; kept`);
      else {
        createKeyFile(keyFile);
        terminal.note(`created pseudonymisation key ${keyFile} (mode 0600): back it up; without it, new records no longer link to stored ones`);
      }
      await withStore(global(), async (store) => terminal.note(`database ready: ${store.description}`));
    });
}
