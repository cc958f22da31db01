import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import type { PublicSigningJwk } from '../crypto/signing-keys';
import { SigningKeysRepository } from '../repositories/signing-keys-repository';

export interface SigningKeyDeps {
  pool: Pool;
  secretBox: SecretBox;
}

/** What a rotation of the engine's signing key did. */
export interface SigningKeyRotated {
  kid: string;
  /** The key that signed until now, or null when there was none. */
  previousKid: string | null;
  /** Until when the previous key stays in the JWKS. */
  previousExpiresAt: Date | null;
}

/** The public keys of the `ed25519` signature scheme receivers may meet: the active one (created if none exists) and retired ones until they expire. */
export function publicSigningKeys(deps: SigningKeyDeps): Promise<PublicSigningJwk[]> {
  return new SigningKeysRepository(deps.pool, deps.secretBox).publicKeys();
}

/** Makes a new active signing key; the one it replaces stops signing now and stays in the JWKS for `graceMs`. */
export function rotateSigningKey(deps: SigningKeyDeps, graceMs: number): Promise<SigningKeyRotated> {
  return new SigningKeysRepository(deps.pool, deps.secretBox).rotate(graceMs);
}
