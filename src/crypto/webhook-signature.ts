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
