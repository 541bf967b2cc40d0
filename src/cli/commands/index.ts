import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';

export type RegisterCommands = (program: Command, global: () => GlobalOptions) => void;

export interface CommandModule {
  /** The top-level commands the module registers (index.test.ts checks this list). */
  names: readonly string[];
  /** Other modules' commands it adds subcommands to (they are registered before it). */
  extends?: readonly string[];
  load: () => Promise<RegisterCommands>;
}

/**
 * Every command module, in the order `svo --help` lists them. They are imported only when needed:
 * loading them all (both database drivers, the web server, report renderers, statistics libraries)
 * takes most of a second, which every `svo ingest` would otherwise pay before reading a byte.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['init'], load: async () => (await import('./init.js')).registerInit },
  { names: ['ingest'], load: async () => (await import('./ingest.js')).registerIngest },
  { names: ['definitions'], load: async () => (await import('./definitions.js')).registerDefinitions },
  { names: ['query'], load: async () => (await import('./query.js')).registerQuery },
  { names: ['spc'], load: async () => (await import('./spc.js')).registerSpc },
  { names: ['trends', 'measures', 'people', 'areas', 'deprivation'], load: async () => (await import('./analyses.js')).registerAnalyses },
  { names: ['near-repeat'], load: async () => (await import('./near-repeat.js')).registerNearRepeat },
  { names: ['nni'], load: async () => (await import('./nni.js')).registerNni },
  { names: ['journey'], load: async () => (await import('./journey.js')).registerJourney },
  { names: ['hotspots', 'hotspot-stability', 'emerging-hotspots'], load: async () => (await import('./hotspots.js')).registerHotspots },
  { names: ['places', 'hidden-violence', 'venues', 'injury'], extends: ['ingest'], load: async () => (await import('./injury.js')).registerInjury },
  { names: ['export'], load: async () => (await import('./export.js')).registerExport },
  { names: ['demo', 'serve', 'start'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['users'], load: async () => (await import('./users.js')).registerUsers },
  { names: ['audit'], load: async () => (await import('./audit.js')).registerAudit },
  { names: ['agreements'], load: async () => (await import('./agreements.js')).registerAgreements },
  { names: ['retention'], load: async () => (await import('./retention.js')).registerRetention },
  { names: ['report'], load: async () => (await import('./report.js')).registerReport },
  { names: ['schedule'], load: async () => (await import('./schedule.js')).registerSchedule },
];

/** Global options that take a value, so the word after them is not the command. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db']);

/** The command named on the command line (`svo [global options] <command> …`), if any. */
export function commandWord(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
    else if (![...GLOBAL_OPTIONS_WITH_VALUE].some((o) => arg.startsWith(`${o}=`))) return null;
  }
  return null;
}

/**
 * The modules to load for these arguments: those that register or extend the named command, or all
 * of them for help, version, an unknown command (so commander can suggest the nearest) or none.
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const word = commandWord(args);
  const wanted = word === null ? [] : COMMAND_MODULES.filter((m) => m.names.includes(word) || m.extends?.includes(word));
  if (wanted.length === 0) return COMMAND_MODULES;
  // A module that extends another needs it registered first, whichever of the two was named.
  const needed = new Set(wanted.flatMap((m) => m.extends ?? []));
  return COMMAND_MODULES.filter((m) => wanted.includes(m) || m.names.some((n) => needed.has(n)));
}
