/**
 * HTTP routes of the analyses built on the query specification. Each route is described once — path,
 * summary, request schemas, what it answers — and that description both registers the handler and
 * feeds the OpenAPI document, so the two cannot drift apart.
 */
import { z } from 'zod';
import type { Env, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { querySpecSchema } from '../../core/query/spec.js';
import { runTrends, trendOptionsSchema } from '../../analysis/trends.js';
import { measuresInputSchema, runMeasures } from '../../analysis/measures.js';
import { peopleOptionsSchema, runPeople } from '../../analysis/people.js';
import { areasOptionsSchema, runAreas, runDeprivation } from '../../analysis/places.js';
import type { Store } from '../../store/port.js';

export interface JsonRoute {
  method: 'post';
  path: string;
  summary: string;
  /** The JSON body: usually a query spec extended with the analysis's own options. */
  body: z.ZodType;
  response: string;
  run(store: Store, body: unknown): Promise<unknown>;
}

export const ANALYSIS_ROUTES: readonly JsonRoute[] = [
  {
    method: 'post',
    path: '/api/trends',
    summary: 'A period against the same period a year earlier and a baseline: rate ratios, exact 95% CIs, verdicts; monthly series with rolling 12-month totals (`svo trends`)',
    body: querySpecSchema.extend(trendOptionsSchema.shape),
    response: 'spec, definition, period {from, to, label}, columns, comparisons [...], series [{month, count, rolling_12m}], caveats',
    run: runTrends,
  },
  {
    method: 'post',
    path: '/api/measures',
    summary: 'Home Office VRU success measures against the previous year and a baseline (`svo measures`)',
    body: measuresInputSchema,
    response: 'definition, period, rows [{measure, description, comparison, current_count, rate, rate_per, …, verdict, sentence}], caveats',
    run: runMeasures,
  },
  {
    method: 'post',
    path: '/api/people',
    summary: 'Age band × sex profile of victims or offenders, and repeat victimisation / offending without identities (`svo people`)',
    body: querySpecSchema.extend(peopleOptionsSchema.shape),
    response: 'spec, definition, role, profile [...], repeat {people, times_seen, incidents, repeat_incidents, repeat_share, top_counts}, caveats',
    run: runPeople,
  },
  {
    method: 'post',
    path: '/api/areas',
    summary: 'Rates by area with funnel-plot limits (95%, 99.8%) around the overall rate (`svo areas`)',
    body: querySpecSchema.extend(areasOptionsSchema.shape),
    response: 'spec, definition, unit, overall {count, population, rate}, rows [{area, count, population, rate, …, position}], caveats',
    run: runAreas,
  },
  {
    method: 'post',
    path: '/api/deprivation',
    summary: 'Rates by IMD decile with 95% CIs and the most/least deprived rate ratio (`svo deprivation`)',
    body: querySpecSchema,
    response: 'spec, definition, rows [{imd_decile, count, population, rate, rate_lower, rate_upper}], shares, ratio, caveats',
    run: runDeprivation,
  },
];

/** Reads a JSON body, answering 400 when it is not JSON. */
/** Reads a JSON body (an empty body is `{}`: every option has a default), answering 400 when it is not JSON. */
export async function readJson(req: { text(): Promise<string> }): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HTTPException(400, { message: 'the request body must be a JSON object' });
  }
}

/** Registers JSON routes on any Hono app (generic over its environment, e.g. the access-controlled one). */
export function registerJsonRoutes<E extends Env>(app: Hono<E>, store: Store, routes: readonly JsonRoute[]): void {
  for (const route of routes) app.post(route.path, async (c) => c.json(await route.run(store, await readJson(c.req))));
}

export function registerAnalysisRoutes<E extends Env>(app: Hono<E>, store: Store): void {
  registerJsonRoutes(app, store, ANALYSIS_ROUTES);
}

/** OpenAPI path items for JSON routes. */
export function openApiPaths(routes: readonly JsonRoute[]): Record<string, unknown> {
  const error = { type: 'object', properties: { error: { type: 'string' }, hint: { type: ['string', 'null'] } }, required: ['error'] };
  const paths: Record<string, unknown> = {};
  for (const r of routes) {
    const schema = z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' });
    paths[r.path] = {
      [r.method]: {
        summary: r.summary,
        requestBody: { required: true, content: { 'application/json': { schema } } },
        responses: {
          '200': { description: r.response },
          '400': { description: 'the request is invalid; the message says which field and why', content: { 'application/json': { schema: error } } },
        },
      },
    };
  }
  return paths;
}
