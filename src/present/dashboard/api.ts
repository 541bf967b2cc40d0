/**
 * The dashboard's only way to the data: the svo HTTP API, same origin, session cookie. POSTs carry the
 * CSRF token returned at sign-in (kept for this tab in sessionStorage). Failures become `ApiError`s with
 * the server's own message, which widgets show inline.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
  /** The role may not use this endpoint (viewers and the public get aggregates only). */
  get forbidden(): boolean {
    return this.status === 403 && !/csrf|cross-origin/i.test(this.message);
  }
  get signedOut(): boolean {
    return this.status === 401;
  }
}

const CSRF_KEY = 'svo.csrf';

export function rememberCsrf(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

/** Listeners told when the session has gone (401), so the shell can show the sign-in form. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): void {
  signedOutListeners.add(listener);
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'the server could not be reached: is `svo serve` still running?');
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let hint: string | null = null;
    try {
      const parsed = (await response.json()) as { error?: string; hint?: string | null };
      if (parsed.error) message = parsed.error;
      hint = parsed.hint ?? null;
    } catch {
      // Not JSON (e.g. a proxy's page): keep the status line.
    }
    const error = new ApiError(response.status, message, hint);
    if (error.signedOut && path !== '/api/login') for (const listener of signedOutListeners) listener();
    throw error;
  }
  return (await response.json()) as T;
}

/**
 * Identical requests in flight share one response (e.g. the people profile and the repeat table ask
 * /api/people the same question): the server does the work once per repaint.
 */
const inFlight = new Map<string, Promise<unknown>>();

function shared<T>(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  if (path === '/api/login' || path === '/api/logout') return request<T>(method, path, body, signal);
  const key = `${method} ${path} ${JSON.stringify(body ?? null)}`;
  let promise = inFlight.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = request<T>(method, path, body);
    inFlight.set(key, promise);
    const forget = () => inFlight.delete(key);
    promise.then(forget, forget);
  }
  if (!signal) return promise;
  // The caller may stop waiting; the shared request carries on for the others.
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => shared<T>('GET', path, undefined, signal),
  post: <T>(path: string, body: unknown, signal?: AbortSignal) => shared<T>('POST', path, body, signal),
};

/** Response shapes the dashboard reads (the fields it uses; see GET /api/openapi.json). */
export type Row = Record<string, string | number | boolean | null>;

export interface QueryAnswer {
  spec: Record<string, unknown>;
  definition: { id: string; version: number } | null;
  columns: { name: string; type: string }[];
  rows: Row[];
  caveats: string[];
  disclosure?: { applied: true; rules: string };
}

export interface SessionAnswer {
  username: string | null;
  role: string | null;
  agency: string | null;
  disclosureControlled: boolean;
  /** A CSRF token for this session, when the server hands one out with the session (e.g. after the demo link). */
  csrfToken?: string;
}

export interface SummaryAnswer {
  demo: boolean;
  banner: string | null;
  sources: { source: string; agency: string; files: number; records: number; first: string | null; last: string | null; lastIngest: string | null }[];
  definitions: { id: string; version: number; isDefault: boolean }[];
  geography: { lsoas: number; withBoundaries: number; withImd: number; population: number | null };
  seriousViolence: { definition: { id: string; version: number }; incidents: number; inDefinition: number } | null;
  /** Optional background tile URL template (XYZ raster); none by default — the dashboard needs no internet. */
  tileUrl?: string | null;
}

/** One comparison of GET /api/trends, typed by the analysis that computes it. */
export type { Comparison } from '../../analysis/trends.js';
import type { Comparison } from '../../analysis/trends.js';

export interface TrendsAnswer {
  definition: { id: string; version: number } | null;
  period: { from: string; to: string; label: string };
  comparisons: Comparison[];
  series: { month: string; count: number; rolling_12m: number | null }[];
  caveats: string[];
}

export interface SpcAnswer {
  definition: { id: string; version: number } | null;
  columns: { name: string; type: string }[];
  rows: { period: string; value: number | null; mean: number | null; lower: number | null; upper: number | null; signal: string; rule: string | null }[];
  caveats: string[];
}
