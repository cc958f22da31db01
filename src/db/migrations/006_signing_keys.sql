-- Signature schemes. Each webhook chooses how its requests are signed; the
-- `ed25519` scheme signs with engine-wide keys whose public halves are served
-- at /.well-known/jwks.json.

ALTER TABLE webhooks
  ADD COLUMN signature_scheme text NOT NULL DEFAULT 'standard'
    CHECK (signature_scheme IN ('standard', 'hmac-sha256', 'hmac-sha512', 'ed25519'));

CREATE TABLE signing_keys (
  -- RFC 7638 thumbprint of the public key, sent as `webhook-key-id`.
  kid                    text PRIMARY KEY,
  -- AES-256-GCM ciphertext (SecretBox) of the PKCS#8 PEM private key.
  private_key_encrypted  text NOT NULL,
  -- The public OKP JWK as served in the JWKS.
  public_jwk             jsonb NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  -- Set by a rotation: the key stops signing, and stays in the JWKS until expires_at.
  retired_at             timestamptz,
  expires_at             timestamptz,
  CHECK ((retired_at IS NULL) = (expires_at IS NULL))
);
-- At most one active (un-retired) key.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;
