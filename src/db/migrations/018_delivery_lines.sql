-- The line of a `fifo` webhook: its pending deliveries in sequence order (the line's next batch, and
-- whether a delivery waits behind an earlier one). Unordered deliveries (sequence null) are not in it.
CREATE INDEX IF NOT EXISTS deliveries_line ON deliveries (webhook_id, sequence)
  WHERE status = 'pending' AND sequence IS NOT NULL;
