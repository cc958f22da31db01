import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is
 * `whsec_` + base64 key bytes; the signature is
 * `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
 */
export const SECRET_PREFIX = 'whsec_';
const SECRET_KEY_BYTES = 32;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_KEY_BYTES).toString('base64');
}

/** Bounds on the key of a secret supplied at creation, as Standard Webhooks recommends (24 to 64 bytes). */
export const SUPPLIED_SECRET_MIN_BYTES = 24;
export const SUPPLIED_SECRET_MAX_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Why a secret supplied at creation is refused, or undefined when it is
 * acceptable: `whsec_` followed by standard, padded base64 of 24 to 64 key
 * bytes. Says nothing of the secret itself.
 */
export function suppliedSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return `must start with ${SECRET_PREFIX}`;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return `must be ${SECRET_PREFIX} followed by standard base64 (A-Z, a-z, 0-9, +, /, with = padding)`;
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < SUPPLIED_SECRET_MIN_BYTES) return `is too weak: its key must be at least ${SUPPLIED_SECRET_MIN_BYTES} bytes, got ${bytes}`;
  if (bytes > SUPPLIED_SECRET_MAX_BYTES) return `its key must be at most ${SUPPLIED_SECRET_MAX_BYTES} bytes, got ${bytes}`;
  return undefined;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs with one secret, or with several (newest first) during a secret
 * rotation: each gives its own `v1,<sig>`, space-separated as Standard
 * Webhooks allows, so a receiver holding any one of them verifies.
 */
export function signPayload(secret: string | string[], messageId: string, timestampSeconds: number, body: string): SignedHeaders {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('At least one webhook secret is required');
  const content = `${messageId}.${timestampSeconds}.${body}`;
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => `v1,${hmac(s, content)}`).join(' '),
  };
}

function hmac(secret: string, content: string): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('Webhook secret must start with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return createHmac('sha256', key).update(content).digest('base64');
}
