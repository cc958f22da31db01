-- Core schema: tenants own webhooks and events; an event fans out into one
-- delivery per subscribed webhook; every HTTP try of a delivery is an attempt.

CREATE TABLE tenants (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  -- Sent to receivers as `x-client-id`.
  client_id   text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhooks (
  id                 uuid PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  name               text NOT NULL,
  url                text NOT NULL,
  -- Event types it subscribes to; '*' means all.
  events             text[] NOT NULL,
  -- Custom headers sent on every request.
  headers            jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- AES-256-GCM ciphertext of the signing secret: the engine must sign, so a hash cannot serve.
  secret_encrypted   text NOT NULL,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
  -- Consecutive failed deliveries; a success resets it.
  failure_count      integer NOT NULL DEFAULT 0,
  last_triggered_at  timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- Deleted webhooks stay so their deliveries keep their history.
  deleted_at         timestamptz
);
CREATE INDEX webhooks_by_tenant_created ON webhooks (tenant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_by_tenant_id ON webhooks (tenant_id, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_by_events ON webhooks USING gin (events) WHERE deleted_at IS NULL;

CREATE TABLE events (
  id               uuid PRIMARY KEY,
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  type             text NOT NULL,
  data             jsonb NOT NULL,
  idempotency_key  text,
  -- Fingerprint of (type, data): a reused key with another body is refused.
  request_hash     text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE deliveries (
  id               uuid PRIMARY KEY,
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  event_id         uuid NOT NULL REFERENCES events (id),
  webhook_id       uuid NOT NULL REFERENCES webhooks (id),
  workflow_id      text NOT NULL UNIQUE,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
  attempt_count    integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error       text,
  -- Transactional outbox: NULL until the dispatcher has started the workflow.
  dispatched_at    timestamptz,
  completed_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, webhook_id)
);
CREATE INDEX deliveries_outbox ON deliveries (created_at, id) WHERE dispatched_at IS NULL;
CREATE INDEX deliveries_by_tenant_created ON deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX deliveries_by_webhook_created ON deliveries (webhook_id, created_at DESC, id DESC);

CREATE TABLE attempts (
  id             uuid PRIMARY KEY,
  delivery_id    uuid NOT NULL REFERENCES deliveries (id),
  -- Temporal's attempt number: 1 for the first try.
  attempt        integer NOT NULL,
  status         text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  status_code    integer,
  duration_ms    integer NOT NULL,
  response_body  text,
  error          text,
  started_at     timestamptz NOT NULL,
  UNIQUE (delivery_id, attempt)
);
