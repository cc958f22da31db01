-- What each attempt sent and got back, as it went over the wire, and custom header values kept secret.

-- Custom headers marked secret: name -> value sealed like the signing secret (SecretBox). Never
-- returned by the API, and stored masked in attempts.
ALTER TABLE webhooks ADD COLUMN secret_headers jsonb NOT NULL DEFAULT '{}'::jsonb;

ALTER TABLE attempts
  -- false: refused before sending (nothing went out); NULL for attempts recorded before this column.
  ADD COLUMN request_sent boolean,
  -- The URL the request went to: the webhook's may change afterwards.
  ADD COLUMN request_url text,
  -- [[name, value], ...] in the order written on the wire; secret custom header values masked.
  ADD COLUMN request_headers jsonb,
  -- The header whose value is computed over the body (lower case); its value is erased with the payload.
  ADD COLUMN signature_header text,
  -- [[name, value], ...] in the order received, whole headers up to 8 KB; NULL without an answer.
  ADD COLUMN response_headers jsonb,
  ADD COLUMN response_headers_truncated boolean NOT NULL DEFAULT false;
