import type { z } from 'zod';
import type { Tag } from './tags';

/**
 * The shape of one entry of the operation table: what `../document.ts` turns
 * into an OpenAPI operation.
 */

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';
/** `tenant`: a tenant API key; `admin`: `ADMIN_API_KEY`; `session`: the portal's session cookie only; `none`: public. */
export type Security = 'tenant' | 'admin' | 'session' | 'none';
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface HeaderSpec {
  description: string;
  schema?: { type: 'string' | 'integer'; enum?: string[] };
}

export interface ResponseSpec {
  description: string;
  /** A JSON body: one of the schemas of `../../responses/`. */
  json?: z.ZodType;
  /** Any other body, by media type: a free-form description. */
  media?: Record<string, { description?: string; schema?: Record<string, unknown> }>;
  headers?: Record<string, HeaderSpec>;
}

export interface ParamSpec {
  description: string;
  /** A UUID unless given. */
  schema?: z.ZodType;
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  /** As registered with the router: `/v1/webhooks/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: Tag;
  security: Security;
  params?: Record<string, ParamSpec>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean };
  /** Success answers (and any non-error answer), by status. */
  responses: Record<number, ResponseSpec>;
  /** Error answers with the `{error: {code, message, details?}}` body; 500 is added to every route. */
  errors: ErrorStatus[];
  /** What an error status means on this route, where the shared description says too little. */
  errorNotes?: Partial<Record<ErrorStatus, string>>;
}
