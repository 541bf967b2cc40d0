/**
 * Injury-surveillance API (Cardiff Model). Each endpoint takes the same JSON object as the CLI command
 * of the same name and answers with its result; bad input is a 400 with the problem named (through
 * the app's error handler).
 *
 *   POST /api/injury/hidden-violence   svo hidden-violence
 *   POST /api/injury/venues            svo venues
 *   POST /api/injury/nte               svo injury nte
 *   POST /api/injury/sharp             svo injury sharp
 */
import type { Env, Hono } from 'hono';
import {
  hiddenViolenceSchema,
  nteSchema,
  runHiddenViolence,
  runNteComparison,
  runSharpInjury,
  runVenueRanking,
  sharpInjurySchema,
  venueRankingSchema,
} from '../../analysis/injury.js';
import type { Store } from '../../store/port.js';
import { registerJsonRoutes, type JsonRoute } from './analysis.js';

export const INJURY_ROUTES: readonly JsonRoute[] = [
  {
    method: 'post',
    path: '/api/injury/hidden-violence',
    summary: 'Hidden violence: ED (ISTV) assaults against police-recorded violence with injury by area and period, the ED-only share with caveats (`svo hidden-violence`)',
    body: hiddenViolenceSchema,
    response: 'options, columns, rows [{period, area, ed_assaults, police_violence_with_injury, ed_only_share_min, ed_only_share, ed_only_assaults}], caveats',
    run: runHiddenViolence,
  },
  {
    method: 'post',
    path: '/api/injury/venues',
    summary: 'Top venues and streets by ED assaults, with trend and rank change (`svo venues`)',
    body: venueRankingSchema,
    response: 'options, columns, rows [{rank, place_key, place, place_type, assaults, share_of_matched, previous_assaults, previous_rank, rank_change, rate_ratio, …, trend}], caveats',
    run: runVenueRanking,
  },
  {
    method: 'post',
    path: '/api/injury/nte',
    summary: 'Night-time economy window against other hours, ED assaults per hour (`svo injury nte`)',
    body: nteSchema,
    response: 'options, columns, rows, hoursPerWeek, caveats',
    run: runNteComparison,
  },
  {
    method: 'post',
    path: '/api/injury/sharp',
    summary: 'Home Office success measure 1 proxy from ED data: sharp-object assaults, under-25s where the age band is present (`svo injury sharp`)',
    body: sharpInjurySchema,
    response: 'options, columns, rows, sharpMethods, caveats',
    run: (store, body) => runSharpInjury(store, body),
  },
];

/** Adds the routes to `app` (any Hono app, e.g. the access-controlled one of server/app.ts). */
export function registerInjuryRoutes<E extends Env>(app: Hono<E>, store: Store): void {
  registerJsonRoutes(app, store, INJURY_ROUTES);
}
