-- A portal link and the session it opens work only while the key that asked for them does:
-- revoking a tenant key ends the portal sessions it handed out. Null for links asked for with
-- `API_KEY`, which has no row.
ALTER TABLE portal_sessions ADD COLUMN created_by_key_id uuid REFERENCES api_keys (id);
