/**
 * Roles (issue 6). Enforced in one place on the server (src/server/access.ts), never only in a UI.
 * - admin: users, definitions, agreements, and everything an analyst can do
 * - analyst: everything analytical, record-level data included
 * - partner: aggregates for all areas; record-level data only for their own agency's records and areas
 * - viewer: Board members; aggregates only, disclosure-controlled
 * - public: published pages only, disclosure-controlled
 */
export const ROLES = ['admin', 'analyst', 'partner', 'viewer', 'public'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose aggregated outputs pass through disclosure control. */
export const DISCLOSURE_CONTROLLED_ROLES: readonly Role[] = ['viewer', 'public'];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
