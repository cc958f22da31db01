import type { Pool } from 'pg';
import { BUILTIN_EVENT_TYPES, builtinEventType, type EventTypeDefinition } from '../domain/builtin-event-types';
import type { Tenant } from '../domain/models';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { isOperationalEventType } from '../domain/operational-events';
import { EventTypesRepository, type StoredEventType } from '../repositories/event-types-repository';
import type { EventSchemaValidator } from './event-schema-validator';

export interface CatalogueDeps {
  pool: Pool;
  schemas: EventSchemaValidator;
}

export interface EventTypeView extends EventTypeDefinition {
  archivedAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

const fromStored = (t: StoredEventType): EventTypeView => ({ ...t, builtin: false });
const fromBuiltin = (t: EventTypeDefinition): EventTypeView => ({ ...t, archivedAt: null, createdAt: null, updatedAt: null });

function requireValidSchema(deps: CatalogueDeps, schema: unknown) {
  if (schema === undefined || schema === null) return;
  const problem = deps.schemas.check(schema);
  if (problem) throw new ValidationError(`body.schema: not a valid JSON Schema: ${problem}`, [{ path: 'body.schema', message: problem }]);
}

function refuseBuiltin(name: string) {
  if (builtinEventType(name)) throw new ConflictError(`${name} is a built-in event type and cannot be changed`, 'builtin_event_type');
}

/** Operational events are the engine's to publish (README, "Operational webhooks"): POST /v1/events refuses them. */
export function refuseOperationalEventType(type: string) {
  if (isOperationalEventType(type)) {
    throw new ForbiddenError(`${type} is an operational event type: only the engine publishes it`, 'operational_event_type');
  }
}

export async function createEventType(
  deps: CatalogueDeps,
  tenant: Tenant,
  input: { name: string; description: string; schema?: object | null; deprecated?: boolean },
) {
  refuseBuiltin(input.name);
  requireValidSchema(deps, input.schema);
  const created = await new EventTypesRepository(deps.pool).create(tenant.id, {
    name: input.name,
    description: input.description,
    schema: input.schema ?? null,
    deprecated: input.deprecated ?? false,
  });
  if (!created) throw new ConflictError(`event type ${input.name} already exists`, 'event_type_exists');
  return fromStored(created);
}

/** Built-in types first, then the tenant's live ones by name. */
export async function listEventTypes(deps: Pick<CatalogueDeps, 'pool'>, tenant: Pick<Tenant, 'id'>): Promise<EventTypeView[]> {
  return [...BUILTIN_EVENT_TYPES.map(fromBuiltin), ...(await new EventTypesRepository(deps.pool).listLive(tenant.id)).map(fromStored)];
}

export async function getEventType(deps: Pick<CatalogueDeps, 'pool'>, tenant: Tenant, name: string): Promise<EventTypeView> {
  const builtin = builtinEventType(name);
  if (builtin) return fromBuiltin(builtin);
  const found = await new EventTypesRepository(deps.pool).find(tenant.id, name);
  if (!found) throw new NotFoundError('Event type', name);
  return fromStored(found);
}

export async function updateEventType(
  deps: CatalogueDeps,
  tenant: Tenant,
  name: string,
  changes: { description?: string; schema?: object | null; deprecated?: boolean },
) {
  refuseBuiltin(name);
  requireValidSchema(deps, changes.schema);
  const updated = await new EventTypesRepository(deps.pool).update(tenant.id, name, changes);
  if (!updated) throw new NotFoundError('Event type', name);
  return fromStored(updated);
}

/** Archives the type: events already sent keep it, new ones treat it as unknown. */
export async function archiveEventType(deps: CatalogueDeps, tenant: Tenant, name: string) {
  refuseBuiltin(name);
  if (!(await new EventTypesRepository(deps.pool).archive(tenant.id, name))) throw new NotFoundError('Event type', name);
  deps.schemas.forget(schemaSlot(tenant.id, name));
}

/** One compiled schema is kept per tenant and type. */
const schemaSlot = (tenantId: string, type: string) => `${tenantId}:${type}`;

/**
 * What publishing an event of `type` requires: its data must match the type's
 * schema, if it has one; an unknown (or archived) type is refused in strict
 * mode and accepted otherwise.
 */
export async function checkEventAgainstCatalogue(deps: CatalogueDeps, tenant: Pick<Tenant, 'id'>, type: string, data: unknown) {
  const builtin = builtinEventType(type);
  // A built-in type is always known: no lookup.
  const { stored, strict } = builtin
    ? { stored: undefined, strict: false }
    : await new EventTypesRepository(deps.pool).findWithStrictMode(tenant.id, type);
  const known = builtin ?? (stored && !stored.archivedAt ? stored : undefined);
  if (!known) {
    if (strict) {
      throw new ValidationError(`body.type: unknown event type "${type}"; this tenant accepts catalogue types only`, [
        { path: 'body.type', message: `unknown event type "${type}" (strict mode)` },
      ]);
    }
    return;
  }
  if (!known.schema) return;
  const slot = builtin ? `builtin:${type}` : schemaSlot(tenant.id, type);
  const version = builtin ? 'builtin' : String(stored!.updatedAt.getTime());
  const problems = deps.schemas.validate(slot, version, known.schema, data);
  if (problems.length > 0) {
    throw new ValidationError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  }
}
