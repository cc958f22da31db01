-- The webhook portal: a tenant's backend asks for a single-use link; opening it
-- starts a browser session. Neither the link token nor the session secret is
-- stored, only their SHA-256 hashes.
CREATE TABLE portal_sessions (
  id                  uuid PRIMARY KEY,
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  link_hash           bytea NOT NULL UNIQUE,
  link_expires_at     timestamptz NOT NULL,
  -- Set once, when the link is opened: a second opening finds it used.
  used_at             timestamptz,
  session_hash        bytea UNIQUE,
  session_expires_at  timestamptz,
  -- A read-only session can look but not change anything.
  read_only           boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((used_at IS NULL) = (session_hash IS NULL) AND (session_hash IS NULL) = (session_expires_at IS NULL))
);
CREATE INDEX portal_sessions_expiry ON portal_sessions (GREATEST(link_expires_at, COALESCE(session_expires_at, link_expires_at)));
