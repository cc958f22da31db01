import { z } from 'zod';
import { version } from '../../../package.json';
import * as req from '../schemas';
import { RESPONSE_SCHEMAS } from '../responses';
import { OPERATIONS, TAGS, type ErrorStatus, type OperationSpec, type ResponseSpec } from './operations';

/**
 * Builds the OpenAPI 3.1 document from the operation table and the zod
 * schemas: request bodies and query parameters from `../schemas/` (the ones
 * the routes validate with), response bodies from `../responses/`.
 */

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & { openapi: string; paths: Record<string, Record<string, Json>>; components: Json };

/** Named request bodies: each becomes `components.schemas.<name>`. */
const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  CreateWebhookRequest: req.createWebhookBody,
  UpdateWebhookRequest: req.updateWebhookBody,
  RecoverRequest: req.recoverBody,
  PublishEventRequest: req.publishEventBody,
  CreateUserRequest: req.createUserBody,
  CreateAccountRequest: req.createAccountBody,
  CreateTenantRequest: req.createTenantBody,
  UpdateTenantRequest: req.updateTenantBody,
  CreateApiKeyRequest: req.createApiKeyBody,
  CreatePortalSessionRequest: req.createPortalSessionBody,
};

const ERRORS: Record<ErrorStatus, { name: string; description: string; headers?: Json }> = {
  400: {
    name: 'BadRequest',
    description:
      '`invalid_json` (malformed JSON, not UTF-8, a NUL character, or nested deeper than 32 levels), `invalid_id` (a path id that is not a UUID) or `invalid_cursor` (a cursor the API did not issue).',
  },
  401: {
    name: 'Unauthorized',
    description: 'A missing or wrong API key (`unauthorized`).',
    headers: { 'WWW-Authenticate': { description: '`Bearer`, with `error="invalid_token"` for a key that is not valid.', schema: { type: 'string' } } },
  },
  403: {
    name: 'Forbidden',
    description:
      'A portal session outside the portal’s routes (`forbidden`), a change from a read-only one (`read_only_session`), or a change without its `X-CSRF-Token` or from another origin (`csrf_failed`).',
  },
  404: { name: 'NotFound', description: 'No such resource, or one of another tenant (`not_found`).' },
  409: { name: 'Conflict', description: 'The request conflicts with the current state.' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than `MAX_BODY_BYTES` (`payload_too_large`).' },
  415: { name: 'UnsupportedMediaType', description: 'A body that is not `application/json` (`unsupported_media_type`).' },
  422: {
    name: 'ValidationFailed',
    description: 'Unknown fields, wrong types, a bad URL, a reserved header… (`validation_failed`); `details` lists each problem by path. Nothing is stored.',
  },
  429: {
    name: 'RateLimited',
    description:
      'Above the tenant’s rate on `POST /v1/events` (`rate_limited`), or too many failed authentications from this address (`too_many_auth_failures`, on every route that takes a key).',
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
  },
  500: { name: 'InternalError', description: 'An unexpected failure (`internal_error`); it reveals nothing of its cause.' },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database, or Temporal where the route needs it, cannot be reached (`service_unavailable`).',
    headers: { 'Retry-After': { description: 'Sent when the database is down.', schema: { type: 'integer' } } },
  },
};

const SECURITY = { tenant: [{ ApiKey: [] }], admin: [{ AdminKey: [] }], session: [{ PortalSession: [] }], none: [] } as const;

/** `/v1/webhooks/:id` → `/v1/webhooks/{id}` */
export const openApiPath = (koaPath: string) => koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * What OpenAPI 3.1 (JSON Schema 2020-12) needs beyond zod's output, and what
 * keeps the reference readable: no `$schema`/`$id` inside the document, no
 * long regexes where a `format` says the same, no ±2^53 bounds on integers.
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema' || key === '$id') continue;
    out[key] = tidy(value);
  }
  if (typeof out.format === 'string' && ['uuid', 'date', 'date-time'].includes(out.format)) delete out.pattern;
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  if (out.type === 'object' && JSON.stringify(out.propertyNames) === '{"type":"string"}') delete out.propertyNames;
  return out;
}

/** Named schemas as `components.schemas`, referring to each other by `$ref`. */
function components(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, tidy(schema) as Json]));
}

function inline(schema: z.ZodType, io: 'input' | 'output'): Json {
  return tidy(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' })) as Json;
}

function nameOf(schema: z.ZodType, named: Record<string, z.ZodType>): string | undefined {
  return Object.entries(named).find(([, s]) => s === schema)?.[0];
}

function refOrInline(schema: z.ZodType, named: Record<string, z.ZodType>, io: 'input' | 'output'): Json {
  const name = nameOf(schema, named);
  return name ? { $ref: `#/components/schemas/${name}` } : inline(schema, io);
}

/** A query schema becomes one parameter per field, with its description lifted out. */
function queryParameters(query: z.ZodObject): Json[] {
  const schema = inline(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: schema.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}

function response(spec: ResponseSpec): Json {
  const content: Json = {};
  if (spec.json) content['application/json'] = { schema: refOrInline(spec.json, RESPONSE_SCHEMAS, 'output') };
  for (const [type, media] of Object.entries(spec.media ?? {})) content[type] = media.schema ? { schema: media.schema } : {};
  return {
    description: spec.description,
    ...(spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, h]) => [name, { description: h.description, schema: h.schema ?? { type: 'string' } }]),
          ),
        }
      : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function operation(op: OperationSpec): Json {
  const parameters: Json[] = [
    ...Object.entries(op.params ?? {}).map(([name, p]) => ({
      name,
      in: 'path',
      required: true,
      description: p.description,
      schema: inline(p.schema ?? req.uuid, 'input'),
    })),
    ...(op.query ? queryParameters(op.query) : []),
  ];
  const responses: Json = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec);
  for (const status of Object.keys(op.errorNotes ?? {})) {
    if (!op.errors.includes(Number(status) as ErrorStatus)) throw new Error(`${op.operationId}: a note for ${status}, which it does not list`);
  }
  for (const status of [...new Set<ErrorStatus>([...op.errors, 500])].sort()) {
    if (responses[status]) throw new Error(`${op.operationId}: ${status} is both a response and an error`);
    const note = op.errorNotes?.[status];
    responses[status] = note
      ? { ...errorResponse(status), description: note }
      : { $ref: `#/components/responses/${ERRORS[status].name}` };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: SECURITY[op.security],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            content: { 'application/json': { schema: refOrInline(op.body.schema, REQUEST_SCHEMAS, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function errorResponse(status: ErrorStatus): Json {
  const { description, headers } = ERRORS[status];
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

export function buildOpenApiDocument(operations: OperationSpec[] = OPERATIONS): OpenApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    if (paths[path][op.method]) throw new Error(`Two operations for ${op.method.toUpperCase()} ${op.path}`);
    paths[path][op.method] = operation(op);
  }
  const responseSchemas = components(RESPONSE_SCHEMAS, 'output');
  const requestSchemas = components(REQUEST_SCHEMAS, 'input');
  for (const name of Object.keys(requestSchemas)) {
    if (responseSchemas[name]) throw new Error(`Schema name ${name} is used for a request and a response`);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline',
      version,
      summary: 'A webhook delivery engine built on Temporal.',
      description: [
        'Every `/v1` route requires `Authorization: Bearer <API key>` and speaks JSON; `/v1/tenants` and `/v1/signing-keys/rotate` take the admin key instead.',
        '',
        'Errors are always `{"error": {"code", "message", "details"?}}`. An unknown route answers `404` (`not_found`), a known one with another method `405` (`method_not_allowed`).',
        'Every response carries `X-Request-Id` (the caller’s, when it sends a sane one).',
      ].join('\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ ApiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        ApiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A tenant API key: `hk_<prefix>_<secret>`, or `API_KEY` for the default tenant.',
        },
        AdminKey: { type: 'http', scheme: 'bearer', description: '`ADMIN_API_KEY`. Without it configured, the admin routes are closed.' },
        PortalSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'hookline_portal',
          description:
            'The webhook portal’s session, set by opening a portal link. Without an `Authorization` header it opens the webhook, delivery, event, event-type and statistics routes (reads only, for a read-only session); a change must also carry the session’s `X-CSRF-Token` and come from the portal’s own origin.',
        },
      },
      schemas: { ...responseSchemas, ...requestSchemas },
      responses: Object.fromEntries((Object.keys(ERRORS) as unknown as ErrorStatus[]).map((s) => [ERRORS[s].name, errorResponse(s)])),
    },
  };
}

let built: OpenApiDocument | undefined;
/** The document, built once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}
