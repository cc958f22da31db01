-- The asset profile: Asset's asset-id and asset-signature headers (a JWS by the engine's signing
-- key), its retry rule and its HTTPS rule. It keeps a secret like the others (generated, unused by
-- its signature), so webhooks_secret_required stands.

ALTER TABLE tenants DROP CONSTRAINT tenants_default_profile_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_default_profile_check
  CHECK (default_profile IN ('standard', 'assetsup', 'argyle', 'assets-server', 'asset', 'custom'));

ALTER TABLE webhooks DROP CONSTRAINT webhooks_profile_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_profile_check
  CHECK (profile IN ('standard', 'assetsup', 'argyle', 'assets-server', 'asset', 'custom'));
