import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandWord, modulesFor } from './index.js';

describe('command modules', () => {
  it('list exactly the top-level commands each module registers', async () => {
    for (const module of COMMAND_MODULES) {
      const program = new Command('svo');
      const extended = COMMAND_MODULES.filter((m) => m.names.some((n) => module.extends?.includes(n)));
      for (const m of extended) (await m.load())(program, () => ({}));
      const before = program.commands.length;
      (await module.load())(program, () => ({}));
      expect(program.commands.slice(before).map((c) => c.name())).toEqual(module.names);
    }
  });

  it('load what extends a command along with it', () => {
    expect(modulesFor(['ingest', 'istv', 'x.csv']).map((m) => m.names[0])).toEqual(['ingest', 'places']);
    expect(modulesFor(['venues']).map((m) => m.names[0])).toEqual(['ingest', 'places']);
  });

  it('give every command one owner', () => {
    const names = COMMAND_MODULES.flatMap((m) => m.names);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('commandWord', () => {
  it('skips global options and their values', () => {
    expect(commandWord(['ingest', 'police-uk', 'x'])).toBe('ingest');
    expect(commandWord(['--db', 'x.duckdb', 'ingest', 'police'])).toBe('ingest');
    expect(commandWord(['--db=x.duckdb', 'export', 'incidents'])).toBe('export');
  });

  it('finds no command for help, version or nothing', () => {
    expect(commandWord([])).toBeNull();
    expect(commandWord(['--help'])).toBeNull();
    expect(commandWord(['-V'])).toBeNull();
    expect(commandWord(['--db', 'x.duckdb', '--help'])).toBeNull();
  });
});

describe('modulesFor', () => {
  it('loads only the owner of a known command', () => {
    expect(modulesFor(['--db', 'x', 'hotspot-stability', '--help']).map((m) => m.names)).toEqual([['hotspots', 'hotspot-stability', 'emerging-hotspots']]);
  });

  it('loads everything for help and for an unknown command, so commander can list or suggest', () => {
    expect(modulesFor(['--help'])).toBe(COMMAND_MODULES);
    expect(modulesFor(['ingst'])).toBe(COMMAND_MODULES);
  });
});
