import type { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { UsageError } from '../../core/errors.js';
import { createApp } from '../../server/app.js';
import { runDemo } from '../../synth/demo.js';
import { resolveStoreLocation } from '../../store/open.js';
import type { Store } from '../../store/port.js';
import { cliPseudonymiser, ingestContext, openCliStore, withStore, type GlobalOptions } from '../context.js';
import { terminal } from '../output.js';
import { reportSummary } from './ingest.js';
import { SVO_VERSION } from '../version.js';
import { listUsers } from '../../security/users.js';
import { DEMO_USERNAME, ensureDemoAccount } from '../../security/demo-account.js';
import { demoLoginUrl, newDemoLoginToken } from '../../server/auth/demo-login.js';

interface DemoOptions {
  seed: string;
  years: string;
  scale: string;
}

function whole(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

async function generateDemo(store: Store, opts: DemoOptions): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'svo-demo-'));
  try {
    const summaries = await runDemo(ingestContext(store), {
      seed: whole('--seed', opts.seed, 0, 2 ** 31),
      years: whole('--years', opts.years, 1, 10),
      scale: Number(opts.scale),
      workDir,
      pseudonymiser: cliPseudonymiser(),
    });
    for (const s of summaries) reportSummary(s, false);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function startServer(store: Store, port: number, host: string, demo: boolean, demoPassword: string | null = null): Promise<void> {
  const secure = process.env.SVO_TLS === '1';
  // The demo sign-in link's token: new at every start, held only in this process.
  const demoLoginToken = demo && demoPassword ? newDemoLoginToken() : null;
  const app = createApp({ store, demo, secure, version: SVO_VERSION, log: (m) => terminal.error(m), demoLoginToken });
  if (!demoPassword && (await listUsers(store)).length === 0) {
    terminal.note('no accounts yet: nobody can sign in; create one with `svo users add --username <u> --role admin --password-stdin`');
  }
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      terminal.note(`svo ${SVO_VERSION} serving ${store.description}${demo ? ' (DEMO DATA: synthetic)' : ''}`);
      const shownHost = host === '0.0.0.0' ? 'localhost' : host;
      terminal.data(`http://${shownHost}:${info.port}/`);
      // Shown on the console only (stderr of this process), never written to a file or the audit log.
      if (demoLoginToken) terminal.note(`demo sign-in link (signs this browser in as ${DEMO_USERNAME}): ${demoLoginUrl(shownHost, info.port, demoLoginToken)}`);
      if (demoPassword) terminal.note(`demo sign-in: username ${DEMO_USERNAME}, password ${demoPassword} (new at every start)`);
    });
    const stop = () => {
      server.close();
      void store.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerServe(program: Command, global: () => GlobalOptions): void {
  const demoOptions = (c: Command) =>
    c
      .option('--seed <n>', 'random seed (same seed, same data)', '2020')
      .option('--years <n>', 'years of incidents', '3')
      .option('--scale <x>', 'volume multiplier (1 = 10,000 incidents a year in an area of about 250,000 people)', '1');

  demoOptions(program.command('demo').description('generate the synthetic demo area and police records and ingest them')).action(
    async (opts: DemoOptions) => {
      await withStore(global(), (store) => generateDemo(store, opts));
    },
  );

  const serveOptions = (c: Command) =>
    c
      .option('--port <n>', 'port (default SVO_PORT or 8080)')
      .option('--host <host>', 'interface to listen on (default SVO_HOST or 127.0.0.1)');
  const portOf = (opts: { port?: string }) => whole('--port', opts.port ?? process.env.SVO_PORT ?? '8080', 0, 65535);
  const hostOf = (opts: { host?: string }) => opts.host ?? process.env.SVO_HOST ?? '127.0.0.1';

  serveOptions(program.command('serve').description('serve the API (and, later, the dashboard)'))
    .option('--demo', 'label everything as demo data, and sign in as the demo analyst by a printed link or password')
    .action(async (opts: { port?: string; host?: string; demo?: boolean }) => {
      const store = await openCliStore(global());
      // Demo mode signs in as the demo analyst (link or password), as `svo start` does.
      const password = opts.demo ? await ensureDemoAccount(store) : null;
      await startServer(store, portOf(opts), hostOf(opts), Boolean(opts.demo), password);
    });

  demoOptions(
    serveOptions(
      program.command('start').description('what `npm start` runs: create the demo database if there is none, then serve it'),
    ),
  ).action(async (opts: DemoOptions & { port?: string; host?: string }) => {
    const location = resolveStoreLocation({ dbPath: global().db });
    const fresh = location.dbPath !== undefined && !existsSync(location.dbPath);
    const store = await openCliStore(global());
    try {
      const [row] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM incidents`);
      if (fresh || Number(row?.n ?? 0) === 0) {
        terminal.note('no data yet: generating the synthetic demo (no network needed)…');
        await generateDemo(store, opts);
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    const password = await ensureDemoAccount(store);
    await startServer(store, portOf(opts), hostOf(opts), true, password);
  });
}
