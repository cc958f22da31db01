-- Profiles: the wire format and delivery rules of a named system, chosen per
-- webhook (a tenant's default applies to new webhooks) and frozen into each
-- delivery when it is dispatched.

ALTER TABLE tenants
  ADD COLUMN default_profile text NOT NULL DEFAULT 'standard'
    CHECK (default_profile IN ('standard', 'assetsup', 'argyle', 'assets-server'));

ALTER TABLE webhooks
  ADD COLUMN profile text NOT NULL DEFAULT 'standard'
    CHECK (profile IN ('standard', 'assetsup', 'argyle', 'assets-server')),
  -- Under the argyle profile a webhook may have no secret: its requests go unsigned.
  ALTER COLUMN secret_encrypted DROP NOT NULL,
  ADD CONSTRAINT webhooks_secret_required CHECK (secret_encrypted IS NOT NULL OR profile = 'argyle');

ALTER TABLE deliveries
  -- The profile its current attempt series runs under: set when it is dispatched, kept by every
  -- later claim of the same series, cleared by a redelivery (which is dispatched afresh).
  -- NULL for deliveries not dispatched yet, and for those dispatched before profiles existed.
  ADD COLUMN profile text;

ALTER TABLE attempts
  -- The profile the request was sent under. NULL for attempts made before profiles existed.
  ADD COLUMN profile text;

-- Test events: their body is the profile's test payload.
ALTER TABLE events DROP CONSTRAINT events_payload_format_check;
ALTER TABLE events ADD CONSTRAINT events_payload_format_check CHECK (payload_format IN ('envelope', 'bare', 'test'));
