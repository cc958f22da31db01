import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import type { ActiveSigningKey } from '../crypto/signature-schemes';
import { exportPrivateKey, generateSigningKey, importPrivateKey, type PublicSigningJwk } from '../crypto/signing-keys';
import { withTransaction, type Queryable } from '../db/pool';

/** Any number, fixed: creating or rotating the engine's signing key is done by one process at a time. */
const SIGNING_KEY_LOCK = 7_233_006;

export interface SigningKeyRotation {
  kid: string;
  /** The key that signed until now, or null when there was none. */
  previousKid: string | null;
  /** Until when the previous key stays in the JWKS. */
  previousExpiresAt: Date | null;
}

/**
 * The engine-wide Ed25519 keys of the `ed25519` signature scheme. One key is
 * active (the newest un-retired one; an index allows no other); a rotation
 * retires it, and it stays in the JWKS until its `expires_at`. Private keys
 * are sealed with the SecretBox.
 */
export class SigningKeysRepository {
  constructor(
    private readonly pool: Pool,
    private readonly secretBox: SecretBox,
  ) {}

  /** The key that signs now, created on first use. */
  async active(): Promise<ActiveSigningKey> {
    const row = (await this.findActive(this.pool)) ?? (await this.createIfMissing());
    return { kid: row.kid, privateKey: importPrivateKey(this.secretBox.open(row.private_key_encrypted)) };
  }

  /** The public keys receivers may meet: the active one (created if none exists) and retired ones until they expire. Newest first. */
  async publicKeys(): Promise<PublicSigningJwk[]> {
    if (!(await this.findActive(this.pool))) await this.createIfMissing();
    const { rows } = await this.pool.query<{ public_jwk: PublicSigningJwk }>(
      `SELECT public_jwk FROM signing_keys WHERE retired_at IS NULL OR expires_at > now() ORDER BY created_at DESC, kid`,
    );
    return rows.map((r) => r.public_jwk);
  }

  /** A new active key; the one it replaces stays in the JWKS for `graceMs`. */
  async rotate(graceMs: number): Promise<SigningKeyRotation> {
    const fresh = generateSigningKey();
    return withTransaction(this.pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      const { rows } = await tx.query<{ kid: string; expires_at: Date }>(
        `UPDATE signing_keys
         SET retired_at = now(), expires_at = now() + make_interval(secs => $1::double precision / 1000)
         WHERE retired_at IS NULL RETURNING kid, expires_at`,
        [graceMs],
      );
      await this.insert(tx, fresh);
      return { kid: fresh.kid, previousKid: rows[0]?.kid ?? null, previousExpiresAt: rows[0]?.expires_at ?? null };
    });
  }

  private async findActive(db: Queryable) {
    const { rows } = await db.query<{ kid: string; private_key_encrypted: string }>(
      `SELECT kid, private_key_encrypted FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    );
    return rows[0];
  }

  /** Under the lock, so processes starting together create one key between them. */
  private createIfMissing() {
    return withTransaction(this.pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      const existing = await this.findActive(tx);
      if (existing) return existing;
      return this.insert(tx, generateSigningKey());
    });
  }

  private async insert(db: Queryable, key: ReturnType<typeof generateSigningKey>) {
    const sealed = this.secretBox.seal(exportPrivateKey(key.privateKey));
    await db.query(`INSERT INTO signing_keys (kid, private_key_encrypted, public_jwk) VALUES ($1, $2, $3)`, [
      key.kid,
      sealed,
      JSON.stringify(key.publicJwk),
    ]);
    return { kid: key.kid, private_key_encrypted: sealed };
  }
}
