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

export function signPayload(secret: string, messageId: string, timestampSeconds: number, body: string): SignedHeaders {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('Webhook secret must start with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
