/**
 * How a webhook's receiver authenticates the engine (`auth` on POST/PATCH /v1/webhooks). The whole
 * value is stored sealed (src/crypto/secret-box.ts); only `EndpointAuthShown` is ever read back out.
 */
export const ENDPOINT_AUTH_TYPES = ['basic', 'bearer'] as const;
export type EndpointAuthType = (typeof ENDPOINT_AUTH_TYPES)[number];

export type EndpointAuth = { type: 'basic'; user: string; password: string } | { type: 'bearer'; token: string };

/** What the API shows of a webhook's `auth`: the type and the fields that are not secret. */
export interface EndpointAuthShown {
  type: EndpointAuthType;
  configured: true;
  user?: string;
}

/** The non-secret part, stored in clear beside the sealed whole. */
export function shownAuth(auth: EndpointAuth): EndpointAuthShown {
  switch (auth.type) {
    case 'basic':
      return { type: 'basic', configured: true, user: auth.user };
    case 'bearer':
      return { type: 'bearer', configured: true };
  }
}

/** The `Authorization` value a request carries under `auth`. */
export function authorizationValue(auth: EndpointAuth): string {
  switch (auth.type) {
    case 'basic':
      // RFC 7617: user-id ":" password, UTF-8, base64.
      return `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}

/** Parses the sealed form back (after SecretBox.open). */
export function endpointAuthFromJson(text: string): EndpointAuth {
  const value = JSON.parse(text) as EndpointAuth;
  if (!ENDPOINT_AUTH_TYPES.includes(value.type)) throw new Error(`unknown endpoint auth type ${String((value as { type?: unknown }).type)}`);
  return value;
}
