import { apiRouter } from '../router';
import { DOCS_PAGE, docsAsset, isDocsAsset } from './assets';
import { openApiDocument } from './document';
import type { Pool } from 'pg';
import { BUILTIN_EVENT_TYPES, type EventTypeDefinition } from '../../domain/builtin-event-types';
import { listEventTypes } from '../../services/event-catalogue';
import type { KeyResolver } from '../../domain/principal';
import type { AuthFailureLimiter } from '../middleware/rate-limit';
import { webhooksSection } from './webhooks-section';

/**
 * The document `GET /openapi.json` serves: the API's operations and, in `webhooks`, the given
 * event catalogue (the built-in types, as served without a key). The typed client is generated
 * from the keyless one (`npm run client:generate`).
 */
export function servedOpenApiDocument(types: readonly EventTypeDefinition[] = BUILTIN_EVENT_TYPES) {
  return { ...openApiDocument(), webhooks: webhooksSection(types) };
}

async function tenantOf(deps: { resolveKey: KeyResolver; authFailures?: AuthFailureLimiter }, token: string, ip: string) {
  if (deps.authFailures?.retryAfter(ip) !== undefined) return undefined;
  const resolved = await deps.resolveKey(token);
  if (!resolved) deps.authFailures?.failed(ip);
  return resolved?.tenant;
}

/**
 * `GET /openapi.json` (the contract) and `GET /docs` (it, rendered), both
 * without authentication. The page's files come from node_modules.
 */
export function openApiRoutes(deps?: { pool: Pool; resolveKey: KeyResolver; authFailures?: AuthFailureLimiter }) {
  const router = apiRouter();
  /**
   * With a tenant key, the document's `webhooks` section lists that tenant's
   * event catalogue; without one, the built-in types only. A wrong key counts
   * as a failed authentication, and an address with too many gets the
   * built-in types without its key being looked up.
   */
  router.get('/openapi.json', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Vary', 'Authorization');
    const token = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1];
    const tenant = token && deps ? await tenantOf(deps, token, ctx.ip) : undefined;
    ctx.body = tenant && deps ? servedOpenApiDocument(await listEventTypes(deps, tenant)) : servedOpenApiDocument();
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = DOCS_PAGE;
  });
  router.get('/docs/:asset', (ctx) => {
    const name = ctx.params.asset ?? '';
    if (!isDocsAsset(name)) return; // the error middleware answers 404
    const { body, type } = docsAsset(name);
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = body;
  });
  return router;
}
