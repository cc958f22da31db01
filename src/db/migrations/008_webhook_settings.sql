-- Per-webhook settings: payload shaping, a retry ceiling and a request
-- timeout; and each delivery's body, fixed at its first attempt.

ALTER TABLE webhooks
  -- false: a thin notification, whose `data` keeps only the resource's identifiers.
  ADD COLUMN include_resource boolean NOT NULL DEFAULT true,
  -- JSON pointers (RFC 6901) into the event's data: only these are sent. NULL sends all of it.
  ADD COLUMN payload_fields   text[] CHECK (cardinality(payload_fields) BETWEEN 1 AND 50),
  -- Attempts in all; NULL uses RETRY_MAXIMUM_ATTEMPTS.
  ADD COLUMN max_attempts     integer CHECK (max_attempts BETWEEN 1 AND 10),
  -- The receiver's time limit per request; NULL uses DELIVERY_TIMEOUT_MS.
  ADD COLUMN timeout_ms       integer CHECK (timeout_ms BETWEEN 1000 AND 60000);

ALTER TABLE deliveries
  -- The exact body sent, shaped and stored at the first attempt; every retry sends these bytes.
  -- NULL until then (and for deliveries attempted before this migration).
  ADD COLUMN payload text;
