-- Account syncs (the SyncAccount/SyncError contract): users own accounts at a provider; each account is refreshed daily by a
-- Temporal Schedule or on demand, and each sync's outcome is sent as a SyncAccount or SyncError event.

CREATE TABLE users (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  login_name  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, login_name)
);

CREATE TABLE accounts (
  id                uuid PRIMARY KEY,
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  user_id           uuid NOT NULL REFERENCES users (id),
  provider          text NOT NULL,
  -- active: synced daily; needs_reconnect: LoginFailedError or SecurityQuestionError, skipped until reconnected.
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reconnect')),
  -- The demo connector's scripted outcomes, and how many it has used.
  demo_outcomes     jsonb,
  demo_cursor       integer NOT NULL DEFAULT 0,
  -- The sync in progress, so a second one does not start beside it.
  sync_workflow_id  text,
  sync_started_at   timestamptz,
  last_synced_at    timestamptz,
  last_sync_result  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz
);
CREATE INDEX accounts_by_user ON accounts (tenant_id, user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- SyncAccount and SyncError bodies are that contract's, byte for byte: they are sent bare
-- (no {type, timestamp, data} envelope), and event data keeps its key order (json, not jsonb).
ALTER TABLE events ADD COLUMN payload_format text NOT NULL DEFAULT 'envelope' CHECK (payload_format IN ('envelope', 'bare'));
ALTER TABLE events ALTER COLUMN data TYPE json USING data::json;
