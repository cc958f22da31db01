-- Secret rotation: after a rotation the previous secret also signs until it
-- expires, so receivers can switch over without dropping a delivery. Only one
-- previous secret is kept; both columns are NULL when none was ever rotated.

ALTER TABLE webhooks
  -- AES-256-GCM ciphertext of the secret in use before the last rotation.
  ADD COLUMN previous_secret_encrypted  text,
  -- Until when that previous secret still signs.
  ADD COLUMN previous_secret_expires_at timestamptz;
