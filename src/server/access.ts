/**
 * The one place access is decided. Every route is registered with a rule; a request is checked
 * against its route's rule before any handler runs:
 * - `anyone`: no session needed (sign-in, health, the API document);
 * - a list of roles: a session is needed (401 without), and its role must be listed (403 otherwise);
 * - `disclosure`: the route serves aggregates and applies disclosure control itself for viewer and
 *   public (the handler reads `c.get('access').disclosure`); a rule that lets viewer or public in
 *   without declaring this is refused when the app is built, so a new route cannot leak by accident;
 * - `recordLevel`: the route serves record-level data; partners get `scope` (their agency and areas)
 *   and the handler must restrict to it; viewer and public can never be given such a route.
 * A route without a rule answers 403 (fail closed) and fails the RBAC matrix test.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { DISCLOSURE_CONTROLLED_ROLES, ROLES, type Role } from '../core/security/roles.js';
import type { User } from '../security/users.js';

export interface AccessRule {
  allow: 'anyone' | readonly Role[];
  disclosure?: boolean;
  recordLevel?: boolean;
  /** Serves no data (sign-out, who am I): may be opened to every role. */
  noData?: boolean;
}

export const ANYONE: AccessRule = { allow: 'anyone' };
/** Aggregates for every signed-in role, disclosure-controlled for viewer and public. */
export const AGGREGATES: AccessRule = { allow: ROLES, disclosure: true };
/** Analytical outputs without disclosure control of their own (e.g. spatial statistics): staff only. */
export const ANALYTICAL: AccessRule = { allow: ['admin', 'analyst', 'partner'] };
/** Record-level data: analysts and admins everywhere, partners within their scope. */
export const RECORD_LEVEL: AccessRule = { allow: ['admin', 'analyst', 'partner'], recordLevel: true };
export const ADMIN_ONLY: AccessRule = { allow: ['admin'] };
/** Session housekeeping that serves no data. */
export const SIGNED_IN: AccessRule = { allow: ROLES, noData: true };
/**
 * Published reference data about no one: area outlines (ONS boundaries) and the serious-violence
 * definitions. Every signed-in role, with nothing to disclosure-control.
 */
export const REFERENCE_DATA: AccessRule = { allow: ROLES, noData: true };

/** What a handler knows about the caller. */
export interface Access {
  user: User | null;
  role: Role | null;
  /** Counts must be disclosure-controlled for this caller. */
  disclosure: boolean;
  /** Record-level restriction for partners: their agency and (if any) areas. Null = unrestricted. */
  scope: { agency: string; areas: string[] } | null;
  /** SHA-256 of the session token, for sign-out. */
  sessionHash: string | null;
}

export type AppEnv = { Variables: { access: Access } };

export interface RouteRule {
  method: string;
  path: string;
  rule: AccessRule;
}

function checkRule(method: string, path: string, rule: AccessRule): void {
  if (rule.allow === 'anyone') return;
  const opensToControlled = rule.allow.some((r) => DISCLOSURE_CONTROLLED_ROLES.includes(r));
  if (opensToControlled && rule.recordLevel) throw new Error(`${method} ${path}: record-level routes cannot be opened to viewer or public`);
  if (opensToControlled && !rule.disclosure && !rule.noData) throw new Error(`${method} ${path}: a route open to viewer or public must apply disclosure control (rule.disclosure)`);
}

const pattern = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\:[A-Za-z_]+|:[A-Za-z_]+/g, '[^/]+')}/?$`);

/** The rule table of one app. */
export class AccessRules {
  private readonly rules: (RouteRule & { regex: RegExp })[] = [];

  add(method: string, path: string, rule: AccessRule): void {
    checkRule(method, path, rule);
    this.rules.push({ method: method.toUpperCase(), path, rule, regex: pattern(path) });
  }

  find(method: string, path: string): AccessRule | null {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return this.rules.find((r) => r.method === m && r.regex.test(path))?.rule ?? null;
  }

  list(): RouteRule[] {
    return this.rules.map(({ method, path, rule }) => ({ method, path, rule }));
  }
}

/**
 * Registers a group of routes (a module's `register(app, …)`) under one rule: the module registers
 * on a sub-app, every route it adds gets the rule, and the sub-app is mounted. Mounting a module is
 * one line: `mount(app, rules, ANALYTICAL, (r) => registerSpatialRoutes(r, store))`.
 */
export function mount(app: Hono<AppEnv>, rules: AccessRules, rule: AccessRule | ((method: string, path: string) => AccessRule), register: (routes: Hono<AppEnv>) => void): void {
  const sub = new (app.constructor as new () => Hono<AppEnv>)();
  register(sub);
  for (const r of sub.routes) {
    if (r.method === 'ALL') continue;
    rules.add(r.method, r.path, typeof rule === 'function' ? rule(r.method, r.path) : rule);
  }
  app.route('/', sub);
}

export type SessionLookup = (c: Context<AppEnv>) => Promise<{ user: User; sessionHash: string; csrfOk: boolean } | null>;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Browsers send Origin on cross-site POSTs: when present it must be this server. */
function sameOrigin(origin: string | undefined, host: string | undefined, url: string): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === (host ?? new URL(url).host);
  } catch {
    return false;
  }
}

/** The access middleware: session, rule, role, CSRF. */
export function accessControl(rules: AccessRules, lookup: SessionLookup): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const rule = rules.find(c.req.method, c.req.path);
    const session = await lookup(c);
    const role = session?.user.role ?? null;
    c.set('access', {
      user: session?.user ?? null,
      role,
      disclosure: role === null || DISCLOSURE_CONTROLLED_ROLES.includes(role),
      scope: role === 'partner' && session?.user.agency ? { agency: session.user.agency, areas: session.user.areas } : null,
      sessionHash: session?.sessionHash ?? null,
    });
    if (STATE_CHANGING.has(c.req.method) && !sameOrigin(c.req.header('origin'), c.req.header('host'), c.req.url)) {
      return c.json({ error: 'cross-origin request refused' }, 403);
    }
    if (rule?.allow === 'anyone') return next();
    if (!session) return c.json({ error: 'sign in first (POST /api/login)' }, 401);
    if (!rule) return c.json({ error: 'not found' }, 404);
    if (!rule.allow.includes(session.user.role)) return c.json({ error: `the ${session.user.role} role cannot use this` }, 403);
    if (STATE_CHANGING.has(c.req.method) && !session.csrfOk) {
      return c.json({ error: 'missing or wrong X-CSRF-Token header (returned by POST /api/login)' }, 403);
    }
    return next();
  };
}
