#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { SvoError } from '../core/errors.js';
import { terminal } from './output.js';
import { registerIngest } from './commands/ingest.js';
import { registerDefinitions } from './commands/definitions.js';
import { registerExport } from './commands/export.js';
import { registerQuery } from './commands/query.js';
import { registerSpc } from './commands/spc.js';
import { registerAnalyses } from './commands/analyses.js';
import { registerNearRepeat } from './commands/near-repeat.js';
import { registerNni } from './commands/nni.js';
import { registerJourney } from './commands/journey.js';
import { registerHotspots } from './commands/hotspots.js';
import { registerInjury } from './commands/injury.js';
import { registerServe } from './commands/serve.js';
import { registerInit } from './commands/init.js';
import { registerUsers } from './commands/users.js';
import { registerAudit } from './commands/audit.js';
import { registerAgreements } from './commands/agreements.js';
import { registerRetention } from './commands/retention.js';
import { registerReport } from './commands/report.js';
import { registerSchedule } from './commands/schedule.js';
import { SVO_VERSION } from './version.js';
import type { GlobalOptions } from './context.js';

export function buildProgram(): Command {
  const program = new Command('svo')
    .description('Serious Violence Observatory: multi-agency serious-violence data for Violence Reduction Units')
    .version(SVO_VERSION)
    .option('--db <path>', 'DuckDB file (default SVO_DB or ./data/svo.duckdb); DATABASE_URL selects PostgreSQL instead')
    .showHelpAfterError()
    .exitOverride();
  const global = () => program.opts<GlobalOptions>();
  registerInit(program, global);
  registerIngest(program, global);
  registerDefinitions(program, global);
  registerQuery(program, global);
  registerSpc(program, global);
  registerAnalyses(program, global);
  registerNearRepeat(program, global);
  registerNni(program, global);
  registerJourney(program, global);
  registerHotspots(program, global);
  registerInjury(program, global);
  registerExport(program, global);
  registerServe(program, global);
  registerUsers(program, global);
  registerAudit(program, global);
  registerAgreements(program, global);
  registerRetention(program, global);
  registerReport(program, global);
  registerSchedule(program, global);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
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
