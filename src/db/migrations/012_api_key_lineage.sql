-- Which key minted a key (NULL: the configured API_KEY, or a tenant's first
-- key, made by the admin key). Revoking a key also revokes the keys it
-- minted in the moments before: revocation usually answers a leak, and keys
-- minted just before it are most likely the leak's own work.
ALTER TABLE api_keys ADD COLUMN created_by_key_id uuid REFERENCES api_keys (id);
CREATE INDEX api_keys_by_creator ON api_keys (created_by_key_id, created_at) WHERE created_by_key_id IS NOT NULL;
