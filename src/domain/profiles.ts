/**
 * Profiles: the wire format and delivery rules of a named system. A webhook
 * has one (`profile`; a tenant's `default_profile` applies to new webhooks),
 * and each delivery keeps the one it was dispatched under.
 *
 * - `standard`: Standard Webhooks headers, signed as the webhook's `signature`
 *   scheme says; 5xx, timeouts, connection errors, 408 and 429 retried on the
 *   configured schedule; other answers final.
 * - `assetsup`: AssetsUp's `X-AssetsUp-Signature: sha256=<hex HMAC-SHA256 of the raw body>`,
 *   keyed with the webhook's secret; every failure retried, up to 3 times, with
 *   exponential backoff; its test event is `{"event": "webhook.test", "timestamp": ...}`.
 * - `argyle`: Argyle's `X-Argyle-Signature: <hex HMAC-SHA512 of the raw body>`, keyed with the
 *   secret's own bytes. The secret is the client's own, 1 to 256 printable characters, and
 *   optional: without one, requests are unsigned. Retries as `standard`.
 * - `assets-server`: Assets Server's status code rules: 2xx is success; 5xx, timeouts and
 *   connection errors are retried up to 8 times with increasing delay; a 4xx is final and its
 *   response body is logged as a warning. Signed as `standard`.
 * - `asset`: Asset's `asset-id` and `asset-signature` headers, the latter a compact JWS (EdDSA)
 *   by the engine's signing key, verifiable from `/.well-known/jwks.json`; any answer but a 200,
 *   and a timeout, retried up to four more times; HTTPS only outside development.
 * - `custom`: the tenant's own format, set on the webhook (`custom_profile`, src/domain/custom-profile.ts):
 *   header names, algorithm, encoding, value template, what is signed, and whether a 4xx is retried.
 */
export const PROFILE_NAMES = ['standard', 'assetsup', 'argyle', 'assets-server', 'asset', 'custom'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
export const DEFAULT_PROFILE: ProfileName = 'standard';

/** How a profile signs its requests. */
export type ProfileSigning =
  /** Standard Webhooks headers; the webhook's `signature` scheme picks the signature. */
  | 'signature-scheme'
  /** `x-assetsup-signature: sha256=<hex HMAC-SHA256>`. */
  | 'assetsup'
  /** `x-argyle-signature: <hex HMAC-SHA512>`, or nothing without a secret. */
  | 'argyle'
  /** `asset-id` and `asset-signature: <compact JWS, EdDSA, by the engine's key>`; no secret used. */
  | 'asset'
  /** As the webhook's `custom_profile` says. */
  | 'custom';

/** Which failed attempts a profile retries. */
export type RetryRule =
  /** 5xx, timeouts, connection errors, 408 and 429 (after `Retry-After`); anything else is final. */
  | 'standard'
  /** Every failure: any answer but a 2xx (408 and 429 after `Retry-After`), a timeout, a connection error. A 410 stays final. */
  | 'every-failure'
  /** 5xx, timeouts and connection errors; every 4xx and 3xx is final. */
  | 'server-errors'
  /** Asset's: any answer but a 200 (a 201 or 204 too), a timeout, a connection error. A 410 stays final. */
  | 'non-200';

/** What the secret of a webhook on the profile may be. */
export type SecretRule =
  /** Required: generated (`whsec_`), or supplied as a Standard Webhooks secret. */
  | 'standard-webhooks'
  /** Optional, and the client's own: 1 to 256 printable ASCII characters. */
  | 'client-chosen';

export interface Profile {
  name: ProfileName;
  signing: ProfileSigning;
  retries: RetryRule;
  /**
   * Attempts in all, the first included, unless the webhook sets `max_attempts`.
   * Undefined: the configured `RETRY_MAXIMUM_ATTEMPTS`.
   */
  maxAttempts?: number;
  secret: SecretRule;
  /** The body of a `webhook.test` event: the engine's envelope, or `{event, timestamp}`. */
  testBody: 'envelope' | 'event-timestamp';
  /** Log the receiver's answer to a 4xx at warning level. */
  warnOnClientError: boolean;
  /** Refuse `http:` URLs unless the engine runs in development (NODE_ENV=development). */
  httpsOutsideDevelopment?: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, Readonly<Profile>>> = Object.freeze({
  standard: Object.freeze({
    name: 'standard',
    signing: 'signature-scheme',
    retries: 'standard',
    secret: 'standard-webhooks',
    testBody: 'envelope',
    warnOnClientError: false,
  }),
  // "retries on failure up to 3 times": four attempts in all.
  assetsup: Object.freeze({
    name: 'assetsup',
    signing: 'assetsup',
    retries: 'every-failure',
    maxAttempts: 4,
    secret: 'standard-webhooks',
    testBody: 'event-timestamp',
    warnOnClientError: false,
  }),
  argyle: Object.freeze({
    name: 'argyle',
    signing: 'argyle',
    retries: 'standard',
    secret: 'client-chosen',
    testBody: 'envelope',
    warnOnClientError: false,
  }),
  // "retried a maximum of 8 times with increasing delay": nine attempts in all.
  'assets-server': Object.freeze({
    name: 'assets-server',
    signing: 'signature-scheme',
    retries: 'server-errors',
    maxAttempts: 9,
    secret: 'standard-webhooks',
    testBody: 'envelope',
    warnOnClientError: true,
  }),
  // "retry the request up to four more times": five attempts in all. The secret is generated as
  // under `standard` but unused: Asset's requests are signed with the engine's key.
  asset: Object.freeze({
    name: 'asset',
    signing: 'asset',
    retries: 'non-200',
    maxAttempts: 5,
    secret: 'standard-webhooks',
    testBody: 'envelope',
    warnOnClientError: false,
    httpsOutsideDevelopment: true,
  }),
  // Retries as `standard`, or every failure when the webhook's custom_profile sets retry_4xx.
  custom: Object.freeze({
    name: 'custom',
    signing: 'custom',
    retries: 'standard',
    secret: 'standard-webhooks',
    testBody: 'envelope',
    warnOnClientError: false,
  }),
});

export function isProfileName(name: unknown): name is ProfileName {
  return typeof name === 'string' && (PROFILE_NAMES as readonly string[]).includes(name);
}

/** The profile named, or `standard` for a value stored before profiles existed. */
export function profileOf(name: string | null | undefined): Readonly<Profile> {
  return isProfileName(name) ? PROFILES[name] : PROFILES[DEFAULT_PROFILE];
}

/** Whether the webhook's `signature` scheme applies under the profile (the others fix their own format). */
export const takesSignatureScheme = (name: ProfileName) => PROFILES[name].signing === 'signature-scheme';

/**
 * Why `url` cannot be the target of a webhook on `profile`, or undefined: under
 * a profile that is HTTPS only outside development (`asset`), an `http:` URL
 * is refused unless `development` (NODE_ENV=development).
 */
export function profileUrlProblem(profile: ProfileName, url: string, development: boolean): string | undefined {
  if (!PROFILES[profile].httpsOutsideDevelopment || development) return undefined;
  return /^https:/i.test(url.trim()) ? undefined : `must be an https URL under profile ${profile} (http is allowed only in development)`;
}

/** Bounds on a client-chosen secret (Argyle's): printable ASCII, space included. */
export const CLIENT_SECRET_MAX_LENGTH = 256;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Why a client-chosen secret is refused, or undefined. Says nothing of the secret itself. */
export function clientSecretProblem(secret: string): string | undefined {
  if (secret.length === 0) return 'must not be empty';
  if (secret.length > CLIENT_SECRET_MAX_LENGTH) return `must be at most ${CLIENT_SECRET_MAX_LENGTH} characters, got ${secret.length}`;
  if (!PRINTABLE_ASCII.test(secret)) return 'must be printable ASCII characters (U+0020 to U+007E)';
  return undefined;
}
