import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { ROLES } from '../../core/security/roles.js';
import { addUser, listUsers, resetPassword, setDisabled } from '../../security/users.js';
import { cliUser, withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal, type Format } from '../output.js';

/** The whole of standard input, without the final newline (`printf %s "$PW" | svo users add …`). */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY) terminal.note('password (then Enter, Ctrl-D):');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new UsageError('no password on standard input', 'e.g. printf %s "$PASSWORD" | svo users add … --password-stdin');
  return text;
}

const actor = () => `cli:${cliUser()}`;

export function registerUsers(program: Command, global: () => GlobalOptions): void {
  const users = program.command('users').description('accounts for the web API (the CLI itself runs as the local operator)');
  users
    .command('add')
    .description('create an account; the password is read from standard input')
    .requiredOption('--username <username>', 'lower-case letters, digits, . _ -')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--agency <agency>', 'the agency a partner belongs to (their record-level scope)')
    .option('--areas <codes>', 'comma-separated area codes a partner may see record-level data for')
    .option('--password-stdin', 'read the password from standard input (required: never on the command line)')
    .action(async (opts: { username: string; role: string; agency?: string; areas?: string; passwordStdin?: boolean }) => {
      if (!opts.passwordStdin) throw new UsageError('give --password-stdin and the password on standard input', 'passwords on the command line end up in shell history');
      const password = await readPasswordFromStdin();
      await withStore(global(), async (store) => {
        const user = await addUser(store, { username: opts.username, role: opts.role, agency: opts.agency, areas: opts.areas?.split(','), password }, actor());
        terminal.note(`added ${user.username} (${user.role}${user.agency ? `, ${user.agency}` : ''})`);
      });
    });
  users
    .command('list')
    .description('every account with its role, scope and state')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { format: Format }) => {
      await withStore(global(), async (store) => {
        const rows = (await listUsers(store)).map((u) => ({
          username: u.username,
          role: u.role,
          agency: u.agency,
          areas: u.areas.join(','),
          disabled: u.disabled,
          locked_until: u.lockedUntil,
          created_at: u.createdAt,
        }));
        terminal.data(formatRows(rows, ['username', 'role', 'agency', 'areas', 'disabled', 'locked_until', 'created_at'], opts.format));
      });
    });
  users
    .command('disable')
    .description('disable an account and end its sessions (--enable to undo)')
    .argument('<username>')
    .option('--enable', 're-enable instead')
    .action(async (username: string, opts: { enable?: boolean }) => {
      await withStore(global(), async (store) => {
        await setDisabled(store, username, !opts.enable, actor());
        terminal.note(`${username} ${opts.enable ? 'enabled' : 'disabled'}`);
      });
    });
  users
    .command('reset')
    .description('set a new password (from standard input), clear any lockout and end the sessions')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input (required)')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      if (!opts.passwordStdin) throw new UsageError('give --password-stdin and the new password on standard input');
      const password = await readPasswordFromStdin();
      await withStore(global(), async (store) => {
        await resetPassword(store, username, password, actor());
        terminal.note(`password of ${username} reset`);
      });
    });
}
