/**
 * How a webhook's receiver authenticates the engine (`auth` on POST/PATCH /v1/webhooks). The whole
 * value is stored sealed (src/crypto/secret-box.ts); only `EndpointAuthShown` is ever read back out.
 */
export const ENDPOINT_AUTH_TYPES = ['basic', 'bearer', 'oauth2_client_credentials', 'mtls'] as const;
export type EndpointAuthType = (typeof ENDPOINT_AUTH_TYPES)[number];

/** The OAuth2 client-credentials grant: the engine fetches a token from `token_url` and sends it as a bearer token. */
export interface OAuth2ClientCredentials {
  type: 'oauth2_client_credentials';
  token_url: string;
  client_id: string;
  client_secret: string;
  scope?: string;
}

/** A client certificate the worker presents in the TLS handshake, and optionally the receiver's CA, pinned. */
export interface MutualTls {
  type: 'mtls';
  cert_pem: string;
  key_pem: string;
  /** Only this CA (these CAs) may sign the receiver's certificate; the system's trust store is not used. */
  ca_pem?: string;
}

export type EndpointAuth = { type: 'basic'; user: string; password: string } | { type: 'bearer'; token: string } | OAuth2ClientCredentials | MutualTls;

/** What the API shows of a webhook's `auth`: the type and the fields that are not secret. */
export interface EndpointAuthShown {
  type: EndpointAuthType;
  configured: true;
  user?: string;
  token_url?: string;
  client_id?: string;
  scope?: string;
  /** `mtls`: whether the receiver's CA is pinned. */
  ca_pinned?: boolean;
}

/** The non-secret part, stored in clear beside the sealed whole. */
export function shownAuth(auth: EndpointAuth): EndpointAuthShown {
  switch (auth.type) {
    case 'basic':
      return { type: 'basic', configured: true, user: auth.user };
    case 'bearer':
      return { type: 'bearer', configured: true };
    case 'oauth2_client_credentials':
      return { type: auth.type, configured: true, token_url: auth.token_url, client_id: auth.client_id, ...(auth.scope ? { scope: auth.scope } : {}) };
    case 'mtls':
      return { type: 'mtls', configured: true, ca_pinned: auth.ca_pem !== undefined };
  }
}

/** The `Authorization` value a request carries under a static `auth` (OAuth2 tokens are fetched: activities/oauth2-tokens.ts). */
export function authorizationValue(auth: Extract<EndpointAuth, { type: 'basic' | 'bearer' }>): string {
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
