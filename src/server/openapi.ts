import { z } from 'zod';
import { querySpecSchema } from '../core/query/spec.js';
import { spcOptionsSchema } from '../analysis/spc.js';
import { ANALYSIS_ROUTES, openApiPaths } from './routes/analysis.js';
import { SPATIAL_ROUTES } from './routes/spatial.js';
import { NEAR_REPEAT_ROUTES } from './routes/near-repeat.js';
import { INJURY_ROUTES } from './routes/injury.js';
import { GEOGRAPHY_OPENAPI } from './routes/geography.js';
import { DATA_OPENAPI } from './routes/data.js';
import { POINTS_OPENAPI } from './routes/points.js';

/**
 * The OpenAPI document for every endpoint, built from the same zod schema the API validates with, so
 * the documentation cannot drift from what the server accepts.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const spec = z.toJSONSchema(querySpecSchema, { io: 'input', unrepresentable: 'any' });
  const error = { type: 'object', properties: { error: { type: 'string' }, hint: { type: ['string', 'null'] } }, required: ['error'] };
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
  return {
    openapi: '3.1.0',
    info: { title: 'Serious Violence Observatory API', version },
    paths: {
      '/api/health': {
        get: { summary: 'Liveness and database check', responses: { '200': { description: 'status, version, database engine, demo flag' } } },
      },
      '/api/summary': {
        get: {
          summary: 'What the store holds: sources with data currency, definitions, geography, serious-violence headline',
          responses: { '200': { description: 'store summary' } },
        },
      },
      '/api/query': {
        post: {
          summary: 'Run a query specification (the same one the CLI `svo query` uses)',
          requestBody: { required: true, content: { 'application/json': { schema: spec } } },
          responses: {
            '200': {
              description: 'spec, definition {id, version}, columns [{name, type}], rows (objects keyed by column), caveats',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      spec: { type: 'object' },
                      definition: { type: ['object', 'null'], properties: { id: { type: 'string' }, version: { type: 'integer' } } },
                      columns: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' } } } },
                      rows: { type: 'array', items: { type: 'object' } },
                      caveats: { type: 'array', items: { type: 'string' } },
                    },
                    required: ['spec', 'definition', 'columns', 'rows', 'caveats'],
                  },
                },
              },
            },
            '400': errorResponse('the specification is invalid; the message says which field and why'),
          },
        },
      },
      '/api/spc': {
        post: {
          summary: 'NHS Making Data Count XmR chart of the monthly series of a query (`svo spc`)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { allOf: [spec, z.toJSONSchema(spcOptionsSchema, { io: 'input', unrepresentable: 'any' })] } } },
          },
          responses: {
            '200': { description: 'spec, definition, options, columns, rows {period, value, mean, lower, upper, signal, rule}, assurance, caveats' },
            '400': errorResponse('the specification or the SPC options are invalid'),
          },
        },
      },
      ...openApiPaths([...ANALYSIS_ROUTES, ...SPATIAL_ROUTES, ...NEAR_REPEAT_ROUTES, ...INJURY_ROUTES]),
      ...GEOGRAPHY_OPENAPI,
      ...DATA_OPENAPI,
      ...POINTS_OPENAPI,
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
      '/api/login': {
        post: {
          summary: 'Sign in: sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token to send as X-CSRF-Token on every POST',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } }, required: ['username', 'password'] } } },
          },
          responses: {
            '200': { description: 'username, role, csrfToken, expiresAt' },
            '401': errorResponse('wrong username or password, or the account is disabled'),
            '429': errorResponse('too many attempts from this address, or the account is locked (see Retry-After)'),
          },
        },
      },
      '/api/logout': { post: { summary: 'Sign out (ends the session)', responses: { '200': { description: 'signed out' } } } },
      '/api/session': { get: { summary: 'Who is signed in, with which role, and whether their outputs are disclosure-controlled; with the session’s CSRF token for a page that signed in elsewhere', responses: { '200': { description: 'username, role, agency, disclosureControlled, csrfToken (when signed in)' } } } },
      '/demo-login': {
        get: {
          summary: 'Demo mode only: the sign-in link printed by `svo start` / `svo serve --demo`; signs in as the demo analyst and redirects to /',
          parameters: [{ name: 'token', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '302': { description: 'signed in (session cookie set as by /api/login); Location: /' }, '404': errorResponse('not in demo mode, or the wrong token') },
        },
      },
    },
  };
}
