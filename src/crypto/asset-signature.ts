import { createHash, sign } from 'node:crypto';
import type { ActiveSigningKey } from './signature-input';

/** Asset's header that identifies the request: the event id, the same on every attempt (as `webhook-id`). */
export const ASSET_ID_HEADER = 'asset-id';
/** Asset's signature header: a compact JWS (EdDSA) by the engine's signing key, verifiable from `/.well-known/jwks.json`. */
export const ASSET_SIGNATURE_HEADER = 'asset-signature';

/** The claims an `asset-signature` carries. */
export interface AssetSignatureClaims {
  /** Lowercase hex SHA-256 of the exact body bytes: the body itself would make the header as large as the body. */
  sha256: string;
  /** The request's `asset-id`. */
  'asset-id': string;
  /** When the attempt was signed, Unix seconds. */
  iat: number;
}

/**
 * Asset's `asset-signature`: a compact JWS (RFC 7515) whose protected header is
 * `{"alg":"EdDSA","kid":<the key's JWKS kid>,"typ":"JWT"}` and whose payload is
 * the JSON claims above, signed with the engine's active Ed25519 key (RFC 8037).
 * The payload is a JWT claims set, so JWT libraries (jose's `jwtVerify`, PyJWT's
 * `jwt.decode`) verify it as well as plain JWS ones.
 */
export function assetSignature(key: ActiveSigningKey, input: { id: string; body: string; timestampSeconds: number }): string {
  const header = base64url(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' }));
  const claims: AssetSignatureClaims = { sha256: bodyDigest(input.body), 'asset-id': input.id, iat: input.timestampSeconds };
  const payload = base64url(JSON.stringify(claims));
  const signature = sign(null, Buffer.from(`${header}.${payload}`, 'ascii'), key.privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** The digest the JWS binds: SHA-256 of the body's UTF-8 bytes, exactly as sent. */
export const bodyDigest = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
