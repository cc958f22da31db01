-- The event catalogue: per-tenant event types with optional JSON Schemas (draft 2020-12).
CREATE TABLE event_types (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  name         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  schema       jsonb,
  deprecated   boolean NOT NULL DEFAULT false,
  -- Archived types stay, so events already sent keep their type; new events treat them as unknown.
  archived_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- Strict mode: events of a type not in the catalogue are refused.
ALTER TABLE tenants ADD COLUMN strict_event_types boolean NOT NULL DEFAULT false;
