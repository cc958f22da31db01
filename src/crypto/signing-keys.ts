import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ActiveSigningKey } from './signature-input';

/** A public Ed25519 key as served in `/.well-known/jwks.json` (RFC 8037 OKP JWK). */
export type PublicSigningJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
};

export interface GeneratedSigningKey extends ActiveSigningKey {
  publicJwk: PublicSigningJwk;
}

/**
 * A fresh Ed25519 key pair. Its `kid` is the RFC 7638 JWK thumbprint of the
 * public key (base64url SHA-256), so anyone can recompute it from the JWK.
 */
export function generateSigningKey(): GeneratedSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  if (!x) throw new Error('Ed25519 public key export gave no "x"');
  const kid = jwkThumbprint(x);
  return { kid, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA' } };
}

/** RFC 7638 thumbprint of an Ed25519 OKP key: the required members in lexicographic order. */
export function jwkThumbprint(x: string): string {
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
}

/** The private key as it is sealed at rest (PKCS#8 PEM). */
export function exportPrivateKey(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function importPrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

/** How long a worker keeps signing with the key it last read. */
export const ACTIVE_KEY_CACHE_MS = 5_000;

/**
 * Remembers the active key for `ttlMs`, so the delivery hot path does not
 * read Postgres on every attempt. Concurrent callers share one load; a
 * failed load is not remembered. After a rotation, signing moves to the new
 * key within `ttlMs` (the old key stays in the JWKS for the grace period).
 */
export function cacheActiveKey(
  load: () => Promise<ActiveSigningKey>,
  ttlMs = ACTIVE_KEY_CACHE_MS,
  now: () => number = Date.now,
): { active(): Promise<ActiveSigningKey> } {
  let cached: { value: Promise<ActiveSigningKey>; until: number } | undefined;
  return {
    active() {
      const at = now();
      if (!cached || at >= cached.until) {
        const value = load();
        const entry = { value, until: at + ttlMs };
        cached = entry;
        value.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.value;
    },
  };
}
