-- The workflow id of a delivery's attempt series, made by the database:
-- `delivery-<event id>-<webhook id>` for the first series, with
-- `-redelivery-<n>` after it for the n-th redelivery. Deterministic, so
-- Temporal refuses a second start of the same series. Publishing (one
-- statement inserts the event and its deliveries) and redelivering (one
-- statement requeues many) both make it here.
CREATE OR REPLACE FUNCTION hookline_delivery_workflow_id(event_id uuid, webhook_id uuid, redelivery integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 'delivery-' || event_id::text || '-' || webhook_id::text
         || CASE WHEN redelivery > 0 THEN '-redelivery-' || redelivery::text ELSE '' END
$$;
