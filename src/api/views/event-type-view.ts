import type { EventTypeResponse } from '../responses/event-types';
import type { EventTypeView } from '../../services/event-catalogue';

/** A catalogue entry as the API shows it; the engine's own types have no timestamps. */
export const eventTypeView = (t: EventTypeView): EventTypeResponse => ({
  name: t.name,
  description: t.description,
  schema: t.schema,
  deprecated: t.deprecated,
  builtin: t.builtin,
  archived_at: t.archivedAt?.toISOString() ?? null,
  created_at: t.createdAt?.toISOString() ?? null,
  updated_at: t.updatedAt?.toISOString() ?? null,
});
