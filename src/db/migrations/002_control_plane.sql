-- Control plane: why and when a webhook was disabled; redeliveries of finished deliveries.

ALTER TABLE webhooks
  ADD COLUMN disabled_reason text,
  ADD COLUMN disabled_at timestamptz;

ALTER TABLE deliveries
  -- Number of the first attempt of the current series: a redelivery continues the numbering.
  ADD COLUMN first_attempt_number integer NOT NULL DEFAULT 1,
  -- How many times an operator has sent it again after it finished.
  ADD COLUMN redeliveries integer NOT NULL DEFAULT 0;

-- Only pending rows wait in the outbox; a delivery cancelled before dispatch leaves it.
DROP INDEX deliveries_outbox;
CREATE INDEX deliveries_outbox ON deliveries (created_at, id) WHERE dispatched_at IS NULL AND status = 'pending';
CREATE INDEX deliveries_pending_by_webhook ON deliveries (webhook_id, created_at) WHERE status = 'pending';

-- The controller workflow of each webhook is started through the same outbox pattern.
ALTER TABLE webhooks ADD COLUMN controller_started_at timestamptz;
CREATE INDEX webhooks_controller_outbox ON webhooks (created_at) WHERE controller_started_at IS NULL AND deleted_at IS NULL;

-- True while a resume releases held deliveries one by one in event order; the dispatcher leaves the webhook alone meanwhile.
ALTER TABLE webhooks ADD COLUMN releasing boolean NOT NULL DEFAULT false;
