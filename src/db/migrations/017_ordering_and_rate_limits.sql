-- Per-webhook ordering and throttling.
-- A `fifo` webhook's deliveries carry `sequence`: the order their events were accepted in, taken from
-- `webhooks.next_sequence` inside the publishing transaction (the row lock orders concurrent publishers
-- by commit). A webhook's `rate_limit` is `rate_limit_count` requests per `rate_limit_period_ms`.
ALTER TABLE webhooks
  ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'fifo')),
  ADD COLUMN next_sequence bigint NOT NULL DEFAULT 0,
  ADD COLUMN rate_limit_count integer CHECK (rate_limit_count > 0),
  ADD COLUMN rate_limit_period_ms integer CHECK (rate_limit_period_ms IN (1000, 60000)),
  ADD CONSTRAINT webhooks_rate_limit_whole CHECK ((rate_limit_count IS NULL) = (rate_limit_period_ms IS NULL));

-- `throttled_until`: when a throttled delivery's next request may go; null when it is not waiting for its rate.
ALTER TABLE deliveries
  ADD COLUMN sequence bigint,
  ADD COLUMN throttled_until timestamptz;
