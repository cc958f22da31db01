-- A tenant's own outbound proxy, set with the admin key (PATCH /v1/tenants/:id): every delivery of
-- its webhooks goes through it instead of EGRESS_PROXY_URL. The URL may carry the proxy's
-- credentials, so it is stored sealed like webhook secrets (src/crypto/secret-box.ts); the origin
-- alone is kept in clear for the API to show.
ALTER TABLE tenants
  ADD COLUMN egress_proxy_sealed text,
  ADD COLUMN egress_proxy_origin text,
  ADD CONSTRAINT tenants_egress_proxy_whole CHECK ((egress_proxy_sealed IS NULL) = (egress_proxy_origin IS NULL));

-- How a webhook's receiver authenticates the engine (`auth`): the whole value sealed, credentials
-- and all, and beside it the fields that may be shown (type, user, token URL, client id, scope).
ALTER TABLE webhooks
  ADD COLUMN auth_sealed text,
  ADD COLUMN auth_shown jsonb,
  ADD CONSTRAINT webhooks_auth_whole CHECK ((auth_sealed IS NULL) = (auth_shown IS NULL));
