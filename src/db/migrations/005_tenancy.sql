-- Tenants' own API keys: random, shown once, stored as SHA-256 hashes, listed by prefix, revocable.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  name          text,
  -- Public part of the key (`hk_<prefix>_<secret>`), used to find it and to tell keys apart in lists.
  prefix        text NOT NULL UNIQUE,
  key_hash      bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC);
