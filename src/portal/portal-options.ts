import type { CookieSameSite } from './session-cookie';

/** How the webhook portal behaves; built from configuration (see `portalOptionsFrom`). */
export interface PortalOptions {
  /** The origin portal links are built on (`PUBLIC_URL`); unset: the origin the request came to. */
  readonly publicUrl?: string;
  /** How long a portal link can be opened. @default 600_000 (10 min) */
  readonly linkTtlMs: number;
  /** How long a session lasts once its link is opened. @default 3_600_000 (1 h) */
  readonly sessionTtlMs: number;
  /** The CSP `frame-ancestors` sources: who may embed the portal in an iframe. @default `*` */
  readonly frameAncestors: string;
  /** @default 'lax' */
  readonly cookieSameSite: CookieSameSite;
  /** Where a delivery's workflow is shown (`TEMPORAL_UI_URL`); unset: no link. */
  readonly temporalUi?: { readonly url: string; readonly namespace: string };
}

export const DEFAULT_PORTAL_OPTIONS: PortalOptions = Object.freeze({
  linkTtlMs: 600_000,
  sessionTtlMs: 3_600_000,
  frameAncestors: '*',
  cookieSameSite: 'lax',
});

export function portalOptionsFrom(config: {
  portal: { publicUrl?: string; temporalUiUrl?: string; linkTtlMs: number; sessionTtlMs: number; frameAncestors: string; cookieSameSite: CookieSameSite };
  temporal: { namespace: string };
}): PortalOptions {
  const { publicUrl, temporalUiUrl, linkTtlMs, sessionTtlMs, frameAncestors, cookieSameSite } = config.portal;
  return {
    publicUrl,
    linkTtlMs,
    sessionTtlMs,
    frameAncestors,
    cookieSameSite,
    temporalUi: temporalUiUrl ? { url: temporalUiUrl, namespace: config.temporal.namespace } : undefined,
  };
}
