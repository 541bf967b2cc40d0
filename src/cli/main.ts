#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { SvoError } from '../core/errors.js';
import { terminal } from './output.js';
import { modulesFor } from './commands/index.js';
import { SVO_VERSION } from './version.js';
import type { GlobalOptions } from './context.js';

/** The program with the commands these arguments need (see commands/index.ts for why not all). */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('svo')
    .description('Serious Violence Observatory: multi-agency serious-violence data for Violence Reduction Units')
    .version(SVO_VERSION)
    .option('--db <path>', 'DuckDB file (default SVO_DB or ./data/svo.duckdb); DATABASE_URL selects PostgreSQL instead')
    .showHelpAfterError()
    .exitOverride();
  const global = () => program.opts<GlobalOptions>();
  const modules = modulesFor(args);
  const registers = await Promise.all(modules.map((m) => m.load()));
  for (const register of registers) register(program, global);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv.slice(2))).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof SvoError) {
      terminal.error(`svo: ${error.message}`);
      if (error.hint) terminal.error(`hint: ${error.hint}`);
      return error.exitCode;
    }
    terminal.error(`svo: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return 70;
  }
}

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
