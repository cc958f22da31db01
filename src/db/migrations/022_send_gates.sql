-- The send gate of each throttled webhook: the slots its requests may go at, shared by every worker.
-- `last_slot_at` is the latest slot handed out; the next one is at least one spacing after it
-- (src/domain/send-gate.ts). A receiver's 429 holds the gate (`hold_until`: no slot before it) and
-- halves the rate until `slow_until`. `planned_until` is the outbox's estimate of the last slot its
-- deferred deliveries will need (deliveries not yet started because enough of them are already waiting).
CREATE TABLE webhook_send_gates (
  webhook_id    uuid PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
  last_slot_at  timestamptz NOT NULL DEFAULT '-infinity',
  hold_until    timestamptz,
  slow_until    timestamptz,
  planned_until timestamptz
);

-- A throttled webhook's started deliveries, counted by the outbox before it starts more (a few hundred at most).
CREATE INDEX deliveries_in_flight_by_webhook ON deliveries (webhook_id) WHERE status = 'pending' AND dispatched_at IS NOT NULL;
