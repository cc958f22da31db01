-- The custom profile: the tenant's own wire format, set per webhook and frozen
-- into each delivery when it is dispatched, like the profile itself.

ALTER TABLE tenants DROP CONSTRAINT tenants_default_profile_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_default_profile_check
  CHECK (default_profile IN ('standard', 'assetsup', 'argyle', 'assets-server', 'custom'));

ALTER TABLE webhooks DROP CONSTRAINT webhooks_profile_check;
ALTER TABLE webhooks
  ADD CONSTRAINT webhooks_profile_check CHECK (profile IN ('standard', 'assetsup', 'argyle', 'assets-server', 'custom')),
  -- Its settings ({id_header, timestamp_header, signature_header, algorithm, encoding, template,
  -- signed_content, retry_4xx}), validated by the API; present exactly when the profile is custom.
  ADD COLUMN custom_profile jsonb,
  ADD CONSTRAINT webhooks_custom_profile_present CHECK ((custom_profile IS NOT NULL) = (profile = 'custom'));

ALTER TABLE deliveries
  -- The custom settings its current attempt series runs under: fixed with `profile`, cleared with it
  -- by a redelivery. NULL under the other profiles.
  ADD COLUMN custom_profile jsonb;
