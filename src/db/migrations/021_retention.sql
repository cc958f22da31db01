-- Data retention: each tenant keeps its finished deliveries, their attempts and its events for
-- `retention_days` (NULL: RETENTION_DAYS), after which the retention workflow purges them in small
-- batches. Erasing an event's payload keeps its metadata and records when it was erased.
ALTER TABLE tenants ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 3650);

ALTER TABLE events
  ADD COLUMN payload_erased_at timestamptz,
  -- NULL once erased (DELETE /v1/events/:id/payload).
  ALTER COLUMN data DROP NOT NULL,
  ADD CONSTRAINT events_data_or_erased CHECK (data IS NOT NULL OR payload_erased_at IS NOT NULL);

-- Listings and stats by attempt time; the purge reaches attempts through their delivery.
CREATE INDEX attempts_by_started ON attempts (started_at);
-- Finished deliveries of a tenant by completion time: the purge's cutoff scan.
CREATE INDEX deliveries_finished_by_tenant ON deliveries (tenant_id, completed_at) WHERE status <> 'pending';
-- A tenant's events by age: the events purge's cutoff scan.
CREATE INDEX events_by_tenant_created ON events (tenant_id, created_at);
-- Soft-deleted webhooks, which the purge removes once no delivery of theirs is left.
CREATE INDEX webhooks_deleted ON webhooks (deleted_at) WHERE deleted_at IS NOT NULL;
