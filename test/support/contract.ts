import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Context, Middleware } from 'koa';
import { Readable } from 'node:stream';
import { openApiDocument, type OpenApiDocument } from '../../src/api/openapi/document';

/**
 * Checks every response the API gives in a test against the OpenAPI document
 * (`GET /openapi.json`): its status must be one the operation lists, its media
 * type one listed for that status, and a JSON body must match the schema.
 * Validators are compiled from the document itself (ajv, JSON Schema 2020-12),
 * once for each operation and status, on first use.
 */

type Json = Record<string, any>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Json;
}

const DOC_ID = 'urn:hookline:openapi';

interface Compiled {
  doc: OpenApiDocument;
  routes: Route[];
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  if (compiled) return compiled;
  const doc = openApiDocument();
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    // Like the API's routers: case-sensitive but for the /v1 prefix, and a trailing slash is allowed.
    const pattern = new RegExp(`^${source.replace(/^\/v1(?=\/|$)/, '/[vV]1')}/?$`);
    for (const [method, operation] of Object.entries(item)) routes.push({ method: method.toUpperCase(), template, pattern, operation });
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...structuredClone(doc), $id: DOC_ID }, undefined, undefined, false);
  compiled = { doc, routes, ajv, validators: new Map() };
  return compiled;
}

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** A `$ref` to `#/components/responses/...` is followed; the pointer says where the response lives. */
function resolveResponse(c: Compiled, route: Route, status: string): { response: Json; at: string } | undefined {
  const response = route.operation.responses?.[status] as Json | undefined;
  if (!response) return undefined;
  if (typeof response.$ref === 'string') {
    const name = response.$ref.replace('#/components/responses/', '');
    return { response: (c.doc.components as Json).responses[name], at: `/${pointer('components', 'responses', name)}` };
  }
  return { response, at: `/${pointer('paths', route.template, route.method.toLowerCase(), 'responses', status)}` };
}

function validator(c: Compiled, at: string, mediaType: string): ValidateFunction {
  const ref = `${DOC_ID}#${at}/${pointer('content', mediaType, 'schema')}`;
  let validate = c.validators.get(ref);
  if (!validate) {
    validate = c.ajv.compile({ $ref: ref });
    c.validators.set(ref, validate);
  }
  return validate;
}

const ERROR_AT = `/${pointer('components', 'schemas', 'Error')}`;

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

function isJsonValue(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof Readable);
}

/** What is wrong with this response, or undefined. */
export function checkResponse(ctx: Pick<Context, 'method' | 'path' | 'status' | 'body'> & { type: string }): string | undefined {
  const c = compile();
  // OPTIONS is answered by the routers' allowedMethods: an Allow header, outside the contract.
  if (ctx.method === 'OPTIONS') return undefined;
  const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  const route = c.routes.find((r) => r.method === method && r.pattern.test(ctx.path));
  const status = String(ctx.status);

  if (!route) {
    // Not an operation: an unknown route (404) or method (405), or a body refused before routing.
    if (![400, 401, 404, 405, 413, 415].includes(ctx.status)) return `no operation for ${method} ${ctx.path}, and status ${status} is not a routing error`;
    const validate = c.validators.get('error') ?? c.ajv.compile({ $ref: `${DOC_ID}#${ERROR_AT}` });
    c.validators.set('error', validate);
    if (ctx.method !== 'HEAD' && !validate(ctx.body)) return `error body does not match Error: ${c.ajv.errorsText(validate.errors)}`;
    return undefined;
  }

  const where = `${route.operation.operationId as string} (${route.method} ${route.template})`;
  const resolved = resolveResponse(c, route, status);
  if (!resolved) {
    const listed = Object.keys(route.operation.responses ?? {}).join(', ');
    return `${where} does not list status ${status} (it lists ${listed})`;
  }
  const content = resolved.response.content as Json | undefined;
  if (ctx.method === 'HEAD') return undefined;
  if (!content) return isEmpty(ctx.body) ? undefined : `${where} ${status} has no body in the document, but one was sent`;
  if (isEmpty(ctx.body)) return `${where} ${status} documents a body, but none was sent`;
  const mediaType = ctx.type;
  if (!content[mediaType]) return `${where} ${status} answered ${mediaType || 'no content type'}; the document lists ${Object.keys(content).join(', ')}`;
  if (mediaType !== 'application/json') return undefined;
  if (!isJsonValue(ctx.body)) return `${where} ${status} answered application/json with a body that is not a JSON value`;
  const validate = validator(c, resolved.at, mediaType);
  if (!validate(ctx.body)) return `${where} ${status} body does not match: ${c.ajv.errorsText(validate.errors, { separator: '; ' })}`;
  return undefined;
}

export interface ContractCheck {
  /** Put first in `app.middleware`: it sees the final status and body of every response. */
  middleware: Middleware;
  violations: string[];
  /** Throws an error listing every violation, if there were any. */
  assertNone(): void;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function contractCheck(): ContractCheck {
  const violations: string[] = [];
  const middleware: Middleware = async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // The error middleware answers for every error; one that gets past it is Koa's bare 500.
      violations.push(`${ctx.method} ${clip(ctx.url, 200)}: an error escaped the error middleware: ${(err as Error).message}`);
      throw err;
    }
    const problem = checkResponse({ method: ctx.method, path: ctx.path, status: ctx.status, body: ctx.body, type: ctx.response.type });
    if (problem) {
      const body = isJsonValue(ctx.body) ? JSON.stringify(ctx.body) : typeof ctx.body === 'string' ? ctx.body : '';
      violations.push(`${ctx.method} ${clip(ctx.url, 200)} → ${ctx.status}: ${problem}${body ? `\n    body: ${clip(body, 400)}` : ''}`);
    }
  };
  return {
    middleware,
    violations,
    assertNone() {
      if (violations.length === 0) return;
      // A bug repeats across many requests (the fuzz test sends thousands): each distinct problem once, with a count.
      const counts = new Map<string, number>();
      for (const v of violations) {
        const key = v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const lines = [...counts].slice(0, 50).map(([v, n]) => (n > 1 ? `- (${n}×) ${v}` : `- ${v}`));
      throw new Error(
        `The API broke its OpenAPI contract (src/api/openapi) in ${violations.length} response(s):\n${lines.join('\n')}` +
          (counts.size > 50 ? `\n… and ${counts.size - 50} more distinct problems` : ''),
      );
    },
  };
}
