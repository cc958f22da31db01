/**
 * Revoking a key also revokes the keys it minted within this long before
 * (and the keys those minted in the same span). Revocation usually answers a
 * leak, and keys minted in the moments before it are most likely the leak's
 * own work; keys minted longer ago are left alone. The key that makes the
 * revocation request is spared, so a client can mint a successor, switch to
 * it, and revoke the old key with it.
 */
export const REVOKED_WITH_CREATOR_WITHIN_MS = 5_000;
