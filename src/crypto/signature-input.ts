import type { KeyObject } from 'node:crypto';
import type { CustomProfileSettings } from '../domain/custom-profile';

/** The header naming the Ed25519 key (its JWKS `kid`). */
export const KEY_ID_HEADER = 'webhook-key-id';

/** The engine's Ed25519 key that signs now. */
export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface SignatureInput {
  /** The webhook's secrets, newest first: two during a secret rotation's grace period. Unused by `ed25519`. */
  secrets: string[];
  messageId: string;
  timestampSeconds: number;
  body: string;
  /** Required for `ed25519`, the `asset` profile, and a `custom` profile on Ed25519. */
  signingKey?: ActiveSigningKey;
  /** Required under the `custom` profile: the settings the delivery was dispatched with. */
  custom?: CustomProfileSettings | null;
}
