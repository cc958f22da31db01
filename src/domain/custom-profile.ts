import type { Profile, RetryRule } from './profiles';

/**
 * The settings of a webhook on the `custom` profile: the tenant names the
 * headers, picks the algorithm, the encoding, the value template and what is
 * signed, and whether a 4xx is retried. They live on the webhook
 * (`custom_profile` in the API) and are frozen into each delivery when it is
 * dispatched, like the profile itself.
 */

export const CUSTOM_ALGORITHMS = ['hmac-sha256', 'hmac-sha512', 'ed25519'] as const;
export type CustomAlgorithm = (typeof CUSTOM_ALGORITHMS)[number];

export const CUSTOM_ENCODINGS = ['hex', 'base64'] as const;
export type CustomEncoding = (typeof CUSTOM_ENCODINGS)[number];

/** What is signed: the raw body, or `<id>.<timestamp>.<body>`. */
export const CUSTOM_SIGNED_CONTENTS = ['{body}', '{id}.{timestamp}.{body}'] as const;
export type CustomSignedContent = (typeof CUSTOM_SIGNED_CONTENTS)[number];

export interface CustomProfileSettings {
  /** The header carrying the event id (the same on every attempt). */
  idHeader: string;
  /** The header carrying the attempt's Unix seconds. */
  timestampHeader: string;
  /** The header carrying the signature value(s). */
  signatureHeader: string;
  algorithm: CustomAlgorithm;
  encoding: CustomEncoding;
  /** The signature header's value: `{signature}`, and optionally `{timestamp}` and `{id}`, in literal text. */
  template: string;
  signedContent: CustomSignedContent;
  /** Retry every failure, 4xx included (a 410 stays final); otherwise the standard rule. */
  retry4xx: boolean;
}

/**
 * The settings under their external names: the `custom_profile` object of the
 * API, and the jsonb column of webhooks and deliveries that stores it.
 */
export interface CustomProfileJson {
  id_header: string;
  timestamp_header: string;
  signature_header: string;
  algorithm: CustomAlgorithm;
  encoding: CustomEncoding;
  template: string;
  signed_content: CustomSignedContent;
  retry_4xx: boolean;
}

export const customProfileToJson = (c: CustomProfileSettings): CustomProfileJson => ({
  id_header: c.idHeader,
  timestamp_header: c.timestampHeader,
  signature_header: c.signatureHeader,
  algorithm: c.algorithm,
  encoding: c.encoding,
  template: c.template,
  signed_content: c.signedContent,
  retry_4xx: c.retry4xx,
});

export const customProfileFromJson = (j: CustomProfileJson): CustomProfileSettings => ({
  idHeader: j.id_header,
  timestampHeader: j.timestamp_header,
  signatureHeader: j.signature_header,
  algorithm: j.algorithm,
  encoding: j.encoding,
  template: j.template,
  signedContent: j.signed_content,
  retry4xx: j.retry_4xx,
});

/** The placeholders a template may hold; `{signature}` is required. */
export const TEMPLATE_PLACEHOLDERS = ['{signature}', '{timestamp}', '{id}'] as const;
export const MAX_TEMPLATE_LENGTH = 256;

/** Why settings are refused: a stable `code` for each kind of problem, and the field it is about. */
export interface CustomProfileProblem {
  code:
    | 'custom_profile_invalid_header_name'
    | 'custom_profile_reserved_header'
    | 'custom_profile_duplicate_header'
    | 'custom_profile_template_missing_signature'
    | 'custom_profile_template_unknown_placeholder'
    | 'custom_profile_template_invalid';
  field: 'id_header' | 'timestamp_header' | 'signature_header' | 'template';
  message: string;
}

/** The same grammar as a webhook's custom headers: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Printable ASCII: a header value without control characters or line breaks. */
const TEMPLATE_TEXT = /^[\x20-\x7e]*$/;

/**
 * The first problem with `settings`, or undefined. `reserved` lists the header
 * names the engine sets itself; `customHeaders` the webhook's own headers,
 * which the three names must not repeat (compared case-insensitively).
 */
export function customProfileProblem(
  settings: CustomProfileSettings,
  reserved: readonly string[],
  customHeaders: Readonly<Record<string, string>>,
): CustomProfileProblem | undefined {
  const fields = [
    ['id_header', settings.idHeader],
    ['timestamp_header', settings.timestampHeader],
    ['signature_header', settings.signatureHeader],
  ] as const;
  const custom = new Set(Object.keys(customHeaders).map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  for (const [field, name] of fields) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      return { code: 'custom_profile_invalid_header_name', field, message: 'is not a valid HTTP header name (a token: no spaces, colons, CR or LF)' };
    }
    if (reserved.includes(lower)) return { code: 'custom_profile_reserved_header', field, message: `${name} is set by the engine and cannot be used` };
    if (seen.has(lower)) return { code: 'custom_profile_duplicate_header', field, message: `${name} is already one of the profile's other headers` };
    if (custom.has(lower)) return { code: 'custom_profile_duplicate_header', field, message: `${name} is already one of the webhook's custom headers` };
    seen.add(lower);
  }
  const template = settings.template;
  if (template.length > MAX_TEMPLATE_LENGTH || !TEMPLATE_TEXT.test(template)) {
    return {
      code: 'custom_profile_template_invalid',
      field: 'template',
      message: `must be at most ${MAX_TEMPLATE_LENGTH} printable ASCII characters (no control characters, CR or LF)`,
    };
  }
  const unknown = (template.match(/\{[^{}]*\}/g) ?? []).find((p) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown !== undefined) {
    return { code: 'custom_profile_template_unknown_placeholder', field: 'template', message: `unknown placeholder ${unknown}: only {signature}, {timestamp} and {id}` };
  }
  const occurrences = template.split('{signature}').length - 1;
  if (occurrences !== 1) {
    return { code: 'custom_profile_template_missing_signature', field: 'template', message: 'must contain {signature} exactly once' };
  }
  return undefined;
}

/** The signature header's value for one signature. */
export function renderTemplate(template: string, values: { signature: string; timestamp: string; id: string }): string {
  return template.replace(/\{(signature|timestamp|id)\}/g, (_, key: 'signature' | 'timestamp' | 'id') => values[key]);
}

/** The bytes signed, as `signedContent` says. */
export function signedText(signedContent: CustomSignedContent, values: { id: string; timestamp: string; body: string }): string {
  return signedContent === '{body}' ? values.body : `${values.id}.${values.timestamp}.${values.body}`;
}

/** The retry rule of a delivery on `profile`: a custom one's `retry_4xx` retries every failure. */
export function retryRuleOf(profile: Readonly<Profile>, custom: CustomProfileSettings | null | undefined): RetryRule {
  return profile.signing === 'custom' && custom?.retry4xx ? 'every-failure' : profile.retries;
}
