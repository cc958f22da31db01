import { createHmac, sign } from 'node:crypto';
import type { ProfileName } from '../domain/profiles';
import { PROFILES } from '../domain/profiles';
import { ASSET_ID_HEADER, ASSET_SIGNATURE_HEADER, assetSignature } from './asset-signature';
import { signPayload } from './webhook-signature';
import type { CustomProfileSettings } from '../domain/custom-profile';
import { customSignatureHeaders } from './custom-signature';
import type { SignatureScheme } from '../domain/signature-schemes';
import { KEY_ID_HEADER, type SignatureInput } from './signature-input';

export { DEFAULT_SIGNATURE_SCHEME, SIGNATURE_SCHEMES, type SignatureScheme } from '../domain/signature-schemes';
export { KEY_ID_HEADER, type ActiveSigningKey, type SignatureInput } from './signature-input';

/** The header the two HMAC schemes sign in (sent lowercase; HTTP header names are case-insensitive). */
export const HMAC_SIGNATURE_HEADER = 'x-webhook-signature';

/** AssetsUp's header: `sha256=<hex HMAC-SHA256 of the raw body>` (profile `assetsup`). */
export const ASSETSUP_SIGNATURE_HEADER = 'x-assetsup-signature';
/** Argyle's header: `<hex HMAC-SHA512 of the raw body>` (profile `argyle`). */
export const ARGYLE_SIGNATURE_HEADER = 'x-argyle-signature';

/** The headers that identify and sign one request under `scheme`. */
export function signatureHeaders(scheme: SignatureScheme, input: SignatureInput): Record<string, string> {
  const { secrets, messageId, timestampSeconds, body } = input;
  switch (scheme) {
    case 'standard':
      return { ...signPayload(secrets, messageId, timestampSeconds, body) };
    case 'hmac-sha256':
      return {
        ...identity(messageId, timestampSeconds),
        [HMAC_SIGNATURE_HEADER]: hmacHexes('sha256', secrets, body).map((hex) => `sha256=${hex}`).join(','),
      };
    case 'hmac-sha512':
      return { ...identity(messageId, timestampSeconds), [HMAC_SIGNATURE_HEADER]: hmacHexes('sha512', secrets, body).join(',') };
    case 'ed25519': {
      const key = input.signingKey;
      if (!key) throw new Error('The ed25519 scheme needs the active signing key');
      const signature = sign(null, Buffer.from(`${messageId}.${timestampSeconds}.${body}`, 'utf8'), key.privateKey);
      return {
        ...identity(messageId, timestampSeconds),
        'webhook-signature': `v1a,${signature.toString('base64')}`,
        [KEY_ID_HEADER]: key.kid,
      };
    }
    default: {
      const unknown: never = scheme;
      throw new Error(`Unknown signature scheme: ${String(unknown)}`);
    }
  }
}

/**
 * The headers that identify and sign one request of a webhook on `profile`:
 * profiles that fix their own format (`assetsup`, `argyle`) sign in it, the
 * others as the webhook's `scheme` says. Every profile sends `webhook-id`
 * and `webhook-timestamp`, so receivers can deduplicate. During a secret
 * rotation's grace period the profile's header carries one value per secret,
 * the new one first, comma-separated. An `argyle` webhook without a secret
 * (`secrets` empty) sends no signature header. `asset` sends `asset-id` (the
 * event id) and `asset-signature`, one JWS by the engine's active key.
 */
export function requestSignatureHeaders(profile: ProfileName, scheme: SignatureScheme, input: SignatureInput): Record<string, string> {
  const { secrets, messageId, timestampSeconds, body } = input;
  switch (PROFILES[profile].signing) {
    case 'signature-scheme':
      return signatureHeaders(scheme, input);
    case 'assetsup':
      return {
        ...identity(messageId, timestampSeconds),
        [ASSETSUP_SIGNATURE_HEADER]: hmacHexes('sha256', secrets, body).map((hex) => `sha256=${hex}`).join(','),
      };
    case 'argyle':
      if (secrets.length === 0) return identity(messageId, timestampSeconds);
      return { ...identity(messageId, timestampSeconds), [ARGYLE_SIGNATURE_HEADER]: hmacHexes('sha512', secrets, body).join(',') };
    case 'asset': {
      if (!input.signingKey) throw new Error('The asset profile needs the active signing key');
      return {
        ...identity(messageId, timestampSeconds),
        [ASSET_ID_HEADER]: messageId,
        [ASSET_SIGNATURE_HEADER]: assetSignature(input.signingKey, { id: messageId, body, timestampSeconds }),
      };
    }
    case 'custom':
      // The tenant's header names replace webhook-id and webhook-timestamp.
      if (!input.custom) throw new Error('The custom profile needs its settings');
      return customSignatureHeaders(input.custom, input);
  }
}

/** The name of the header that carries the signature under `profile` and `scheme` (or `custom`), or null when the request is unsigned. */
export function signatureHeaderName(profile: ProfileName, scheme: SignatureScheme, signed: boolean, custom?: CustomProfileSettings | null): string | null {
  switch (PROFILES[profile].signing) {
    case 'signature-scheme':
      return scheme === 'hmac-sha256' || scheme === 'hmac-sha512' ? HMAC_SIGNATURE_HEADER : 'webhook-signature';
    case 'assetsup':
      return ASSETSUP_SIGNATURE_HEADER;
    case 'argyle':
      return signed ? ARGYLE_SIGNATURE_HEADER : null;
    case 'asset':
      return ASSET_SIGNATURE_HEADER;
    case 'custom':
      return custom ? custom.signatureHeader.toLowerCase() : null;
  }
}

function identity(messageId: string, timestampSeconds: number) {
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestampSeconds) };
}

/** One hex digest per secret, newest first; the key is the secret string itself. */
function hmacHexes(algorithm: 'sha256' | 'sha512', secrets: string[], body: string): string[] {
  if (secrets.length === 0) throw new Error('At least one webhook secret is required');
  return secrets.map((secret) => createHmac(algorithm, Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex'));
}
