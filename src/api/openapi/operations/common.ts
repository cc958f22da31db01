import type { ErrorStatus, ParamSpec } from './spec';

/**
 * Every tenant route: authentication, the JSON body parser, and the database
 * behind both. A portal session gets a 403 outside the portal's routes, or
 * for a change without its CSRF token or from another origin. An address
 * with too many failed authentications gets a 429.
 */
export const TENANT: ErrorStatus[] = [400, 401, 403, 413, 415, 429, 503];
/** Routes with a path id: a malformed one is a 400, an unknown one (or another tenant's) a 404. */
export const BY_ID: ErrorStatus[] = [400, 404];

/** The `id` path parameter of a route on one resource. */
export const idParam = (what: string): Record<string, ParamSpec> => ({ id: { description: `The ${what}'s id.` } });
/** The `Location` header of a 201 that created a resource. */
export const created = (what: string) => ({
  Location: { description: `The new ${what}'s URL.` },
});

/** The 503 note of a route that needs Temporal. */
export const temporalDown = 'Temporal cannot be reached (`service_unavailable`), or the database is down.';
