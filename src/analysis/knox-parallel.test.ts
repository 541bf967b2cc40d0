import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { knoxTest, prepareKnox, type KnoxEvent, type KnoxOptions } from '../core/spatial/knox.js';
import { createRng } from '../core/spatial/rng.js';
import { knoxTestParallel, PARALLEL_MIN_WORK, simulateInWorkers, workersFor } from './knox-parallel.js';

const SRC = resolve(import.meta.dirname, '..');

/** 500 events over 2 km and a year, a fifth of them near repeats of another (≤ 60 m, 1–7 days later). */
function events(seed: number): KnoxEvent[] {
  const rng = createRng(seed);
  const out: KnoxEvent[] = [];
  while (out.length < 500) {
    const origin = out.length > 0 && rng() < 0.2 ? out[Math.floor(rng() * out.length)]! : null;
    out.push(
      origin
        ? { x: origin.x + Math.round((rng() - 0.5) * 80), y: origin.y + Math.round((rng() - 0.5) * 80), day: origin.day + 1 + Math.floor(rng() * 7) }
        : { x: Math.round(rng() * 2000), y: Math.round(rng() * 2000), day: Math.floor(rng() * 365) },
    );
  }
  return out;
}

const OPTIONS: KnoxOptions = { spatialBand: 100, spatialBands: 4, temporalBand: 7, temporalBands: 3, distance: 'euclidean', permutations: 199, seed: 11 };

describe('knoxTestParallel', () => {
  const data = events(3);
  const serial = knoxTest(data, OPTIONS);

  it('gives exactly the one-thread table with 1, 2 or 3 workers (TypeScript sources, tsx in the workers)', async () => {
    const one = await knoxTestParallel(data, OPTIONS, { workers: 1, minWork: 0 });
    const two = await knoxTestParallel(data, OPTIONS, { workers: 2, minWork: 0 });
    const three = await knoxTestParallel(data, { ...OPTIONS, distance: 'manhattan' }, { workers: 3, minWork: 0 });
    expect(one).toEqual(serial);
    expect(two).toEqual(serial);
    expect(three).toEqual(knoxTest(data, { ...OPTIONS, distance: 'manhattan' }));
    // Not a degenerate table: the planted repeats are found, so the permutations did real work.
    const near = serial.cells.find((c) => c.spatialIndex === 1 && c.temporalIndex === 0)!;
    expect(near.pValue).toBe(1 / 200);
    expect(serial.cells.some((c) => c.pValue > 0.2 && c.pValue < 0.9)).toBe(true);
  });

  it('has one worker per permutation at most', async () => {
    const few = { ...OPTIONS, permutations: 2 };
    expect(await knoxTestParallel(data, few, { workers: 4, minWork: 0 })).toEqual(knoxTest(data, few));
  });

  it('reports a failing worker instead of waiting for it', async () => {
    const plan = prepareKnox(data, OPTIONS);
    const broken = { ...plan, days: undefined as unknown as Int32Array };
    await expect(simulateInWorkers(broken, 2)).rejects.toThrow(TypeError);
  });

  it('keeps small inputs in this thread and spreads large ones over the cores', () => {
    const plan = prepareKnox(data, OPTIONS);
    expect(workersFor(plan, {}, 8)).toBe(0); // 500 events: far below the work worth a worker
    const large = { events: 10_000, closePairs: 2_500_000, options: { ...OPTIONS, permutations: 999 } };
    expect(workersFor(large, {}, 8)).toBe(8);
    expect(workersFor(large, {}, 1)).toBe(0);
    expect(workersFor(large, { workers: 3 }, 8)).toBe(3);
    expect(workersFor(large, { workers: 0 }, 8)).toBe(0);
    expect(workersFor({ ...large, options: { ...OPTIONS, permutations: 2 } }, { workers: 8, minWork: 0 }, 8)).toBe(2);
    const threshold = { events: 0, closePairs: PARALLEL_MIN_WORK / 999, options: large.options };
    expect(workersFor(threshold, {}, 2)).toBe(2);
    expect(workersFor({ ...threshold, closePairs: threshold.closePairs - 1 }, {}, 2)).toBe(0);
  });
});

describe('knoxTestParallel compiled to JavaScript (as in dist, no tsx)', () => {
  const out = mkdtempSync(join(tmpdir(), 'svo-knox-js-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('starts knox-worker.js beside knox-parallel.js and gives the one-thread table', () => {
    for (const file of ['core/errors.ts', 'core/spatial/rng.ts', 'core/spatial/knox.ts', 'workers/entry.ts', 'analysis/knox-worker.ts', 'analysis/knox-parallel.ts']) {
      const { outputText } = ts.transpileModule(readFileSync(join(SRC, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        fileName: file,
      });
      const target = join(out, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    writeFileSync(join(out, 'events.json'), JSON.stringify(events(3)));
    writeFileSync(
      join(out, 'run.js'),
      `import { readFileSync } from 'node:fs';
import { knoxTestParallel } from './analysis/knox-parallel.js';
const events = JSON.parse(readFileSync(new URL('./events.json', import.meta.url), 'utf8'));
const result = await knoxTestParallel(events, ${JSON.stringify(OPTIONS)}, { workers: 2, minWork: 0 });
console.log(JSON.stringify(result));`,
    );
    // A plain node: without tsx a .ts worker could not start.
    const run = spawnSync(process.execPath, [join(out, 'run.js')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(knoxTest(events(3), OPTIONS));
  });
});
