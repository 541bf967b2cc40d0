import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { SvoError } from '../core/errors.js';
import type { Store } from '../store/port.js';
import { storeSummary } from './summary.js';
import { openApiDocument } from './openapi.js';
import { runQuery } from '../query/run.js';
import { runSpc } from '../analysis/spc.js';
import { disclosedSummary } from '../security/disclosed-summary.js';
import { runDisclosedQuery, runDisclosedSpc } from '../security/disclosed-query.js';
import { registerAnalysisRoutes, readJson } from './routes/analysis.js';
import { registerSpatialRoutes } from './routes/spatial.js';
import { registerNearRepeatRoutes } from './routes/near-repeat.js';
import { registerInjuryRoutes } from './routes/injury.js';
import { accessControl, AccessRules, AGGREGATES, ANALYTICAL, ANYONE, RECORD_LEVEL, REFERENCE_DATA, SIGNED_IN, mount, type AccessRule, type AppEnv } from './access.js';
import { registerGeographyRoutes } from './routes/geography.js';
import { registerDataSourceRoutes, registerDefinitionRoutes, registerRejectRoutes } from './routes/data.js';
import { registerPointRoutes } from './routes/points.js';
import { registerDemoLogin } from './auth/demo-login.js';
import { clientAddress, registerAuthRoutes, sessionLookup } from './auth/routes.js';
import { RateLimiter } from './rate-limit.js';
import { registerStatic } from './static.js';

export interface AppOptions {
  store: Store;
  /** Serving built-in synthetic data: say so on every page. */
  demo: boolean;
  version: string;
  log: (message: string) => void;
  /** Served over TLS (directly or by a TLS-terminating proxy): Secure cookies and HSTS. */
  secure?: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Requests a minute per client address (all endpoints). */
  requestsPerMinute?: number;
  /** Sign-in attempts a minute per client address. */
  loginAttemptsPerMinute?: number;
  now?: () => Date;
  /** Demo mode's sign-in link token (`/demo-login?token=…`); without it that route answers 404. */
  demoLoginToken?: string | null;
  /** Folder of the built dashboard (default dist/web). */
  webRoot?: string;
}

/** The app and its access rules (the RBAC matrix test enumerates `rules.list()` and `app.routes`). */
export interface SvoApp {
  app: Hono<AppEnv>;
  rules: AccessRules;
}

// The dashboard's map (MapLibre) runs its tile work in a worker loaded from its own bundled file, so
// worker-src 'self' is enough: no blob: workers, no 'unsafe-eval', no inline scripts or styles.
const CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The HTTP API. Access is decided in one place (./access.ts): every route below is registered with a
 * rule. One error handler: known errors become their response; anything else is logged and answered
 * with a generic 500, so internals (SQL, stack traces) never leak.
 */
export function buildApp(options: AppOptions): SvoApp {
  const app = new Hono<AppEnv>();
  const rules = new AccessRules();
  const { store } = options;
  const secure = options.secure ?? false;
  const limiter = new RateLimiter(options.requestsPerMinute ?? 600, 60_000);

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    // Hashed static assets set their own long cache; everything else (data) is never stored.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    if (secure) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  });
  app.use('*', async (c, next) => {
    const wait = limiter.hit(clientAddress(c));
    if (wait) {
      c.header('Retry-After', String(wait));
      return c.json({ error: 'too many requests; wait and try again' }, 429);
    }
    return next();
  });
  app.use(
    '*',
    bodyLimit({ maxSize: options.maxBodyBytes ?? 1024 * 1024, onError: (c) => c.json({ error: 'the request body is too large' }, 413) }),
  );
  app.use('*', accessControl(rules, sessionLookup({ store, secure, now: options.now })));

  const jsonBody = (c: Context<AppEnv>) => readJson(c.req);

  mount(app, rules, ANYONE, (r) => {
    r.get('/api/health', async (c) => {
      await store.query('SELECT 1 AS ok');
      return c.json({ status: 'ok', version: options.version, database: store.dialect.name, demo: options.demo });
    });
    r.get('/api/openapi.json', (c) => c.json(openApiDocument(options.version)));
    // The dashboard's static files (no data in them; every figure comes from the API below).
    registerStatic(r, options.webRoot);
  });

  mount(app, rules, (_method, path) => (path === '/api/login' ? ANYONE : SIGNED_IN), (r) =>
    registerAuthRoutes(r, { store, secure, now: options.now, loginAttemptsPerMinute: options.loginAttemptsPerMinute }),
  );

  mount(app, rules, AGGREGATES, (r) => {
    r.get('/api/summary', async (c) => {
      const summary = await storeSummary(store);
      const banner = options.demo ? 'Demo data: synthetic records generated by svo, not real people or places' : null;
      if (c.get('access').disclosure) return c.json({ demo: options.demo, banner, database: null, ...(await disclosedSummary(store, summary)) });
      return c.json({ demo: options.demo, banner, database: store.description, ...summary });
    });
    r.post('/api/query', async (c) => {
      const input = await jsonBody(c);
      return c.json(c.get('access').disclosure ? await runDisclosedQuery(store, input) : await runQuery(store, input));
    });
    r.post('/api/spc', async (c) => {
      const input = await jsonBody(c);
      return c.json(c.get('access').disclosure ? await runDisclosedSpc(store, input) : await runSpc(store, input));
    });
  });

  // Dashboard data (issue 7): outlines and definitions are reference data; sources and batches are
  // disclosure-controlled for viewer/public; rejects and incident points are record-level and audited.
  const now = options.now ?? (() => new Date());
  mount(app, rules, ANYONE, (r) => registerDemoLogin(r, { store, secure, token: options.demo ? (options.demoLoginToken ?? null) : null, now }));
  mount(app, rules, REFERENCE_DATA, (r) => registerGeographyRoutes(r, store));
  mount(app, rules, REFERENCE_DATA, (r) => registerDefinitionRoutes(r, store));
  mount(app, rules, AGGREGATES, (r) => registerDataSourceRoutes(r, store));
  mount(app, rules, RECORD_LEVEL, (r) => registerRejectRoutes(r, store, now));
  mount(app, rules, RECORD_LEVEL, (r) => registerPointRoutes(r, store, now));

  // Analyses without disclosure control of their own: staff roles only (viewers and the public get the
  // disclosure-controlled query, SPC and summary above).
  mount(app, rules, ANALYTICAL, (r) => registerAnalysisRoutes(r, store));
  mount(app, rules, ANALYTICAL, (r) => registerSpatialRoutes(r, store));
  mount(app, rules, ANALYTICAL, (r) => registerNearRepeatRoutes(r, store));
  mount(app, rules, ANALYTICAL, (r) => registerInjuryRoutes(r, store));

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
    if (error instanceof SvoError) return c.json({ error: error.message, hint: error.hint ?? null }, error.exitCode === 2 ? 400 : 422);
    options.log(`internal error on ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? String(error)}`);
    return c.json({ error: 'internal error' }, 500);
  });
  return { app, rules };
}

/** The HTTP app (see `buildApp` for its access rules). */
export function createApp(options: AppOptions): Hono<AppEnv> {
  return buildApp(options).app;
}

export type { AccessRule };
