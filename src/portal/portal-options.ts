import type { CookieSameSite } from './session-cookie';

/** How the webhook portal behaves; built from configuration (see `portalOptionsFrom`). */
export interface PortalOptions {
  /** The origin people reach the API at (`PUBLIC_URL`): links are built on it, and it counts as the portal's own origin. */
  readonly publicUrl?: string;
  /**
   * The origin portal links are built on: `PUBLIC_URL`, or outside production the API's
   * configured listen address. Unset (production without `PUBLIC_URL`): no link is made. Never a
   * request's `Host`, which its sender chooses.
   */
  readonly linkOrigin?: string;
  /** How long a portal link can be opened. @default 600_000 (10 min) */
  readonly linkTtlMs: number;
  /** How long a session lasts once its link is opened. @default 3_600_000 (1 h) */
  readonly sessionTtlMs: number;
  /** The CSP `frame-ancestors` sources: who may embed the portal in an iframe. @default `'none'` */
  readonly frameAncestors: string;
  /** @default 'lax' */
  readonly cookieSameSite: CookieSameSite;
  /** Where a delivery's workflow is shown (`TEMPORAL_UI_URL`); unset: no link. */
  readonly temporalUi?: { readonly url: string; readonly namespace: string };
}

export const DEFAULT_PORTAL_OPTIONS: PortalOptions = Object.freeze({
  linkTtlMs: 600_000,
  sessionTtlMs: 3_600_000,
  frameAncestors: "'none'",
  cookieSameSite: 'lax',
});

export function portalOptionsFrom(config: {
  env: 'development' | 'production' | 'test';
  http: { host: string; port: number };
  portal: { publicUrl?: string; temporalUiUrl?: string; linkTtlMs: number; sessionTtlMs: number; frameAncestors: string; cookieSameSite: CookieSameSite };
  temporal: { namespace: string };
}): PortalOptions {
  const { publicUrl, temporalUiUrl, linkTtlMs, sessionTtlMs, frameAncestors, cookieSameSite } = config.portal;
  return {
    publicUrl,
    linkOrigin: publicUrl ?? (config.env === 'production' ? undefined : listenOrigin(config.http)),
    linkTtlMs,
    sessionTtlMs,
    frameAncestors,
    cookieSameSite,
    temporalUi: temporalUiUrl ? { url: temporalUiUrl, namespace: config.temporal.namespace } : undefined,
  };
}

/** Where the API listens, as an origin a browser on the same machine can open; undefined for an ephemeral port. */
export function listenOrigin(http: { host: string; port: number }): string | undefined {
  if (http.port === 0) return undefined;
  const wildcard = http.host === '0.0.0.0' || http.host === '::' || http.host === '[::]';
  const host = wildcard ? 'localhost' : http.host.includes(':') && !http.host.startsWith('[') ? `[${http.host}]` : http.host;
  return `http://${host}:${http.port}`;
}
