import { timingSafeEqual } from 'node:crypto';

/**
 * Who may read `/metrics`. With a token set, only a request carrying
 * `Authorization: Bearer <token>`; without one, anyone who can reach the
 * listener (the API port serves it only outside production).
 */
export function metricsRequestAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const METRICS_UNAUTHORIZED_MESSAGE = '/metrics needs Authorization: Bearer <METRICS_TOKEN>';

/** The JSON error body of the worker's listener, the same shape as the API's. */
export const METRICS_UNAUTHORIZED = JSON.stringify({ error: { code: 'unauthorized', message: METRICS_UNAUTHORIZED_MESSAGE } });
