-- The outbox dispatcher claims the rows it is about to start for a short
-- while, in a statement of its own, instead of holding their row locks in a
-- transaction across the workflow starts: the first attempt of a delivery
-- started eagerly updates its row at once, and would otherwise wait for the
-- dispatcher's whole batch. A dispatcher that dies leaves claims that lapse.
ALTER TABLE deliveries ADD COLUMN dispatch_claimed_until timestamptz;
