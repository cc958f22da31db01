import { apiRouter } from '../router';
import type { Pool } from 'pg';
import { createApiKey, createTenant, listApiKeys, revokeApiKey, setTenantEgressProxy } from '../../services/manage-tenants';
import type { SecretBox } from '../../crypto/secret-box';
import { authenticateAdmin } from '../middleware/authenticate';
import type { AuthFailureLimiter } from '../middleware/rate-limit';
import { jsonBody } from '../middleware/json-body';
import { noQuery } from '../schemas/fields';
import { createApiKeyBody, createTenantBody, updateTenantBody } from '../schemas/tenants';
import { uuidParam, validate } from '../validate';
import { apiKeyView } from '../views/api-key-view';
import type { DefaultState } from 'koa';

/** `POST /v1/tenants`: the admin key creates a tenant and its first API key; `PATCH /v1/tenants/:id` sets its outbound proxy. Mounted before the tenant API. */
export function tenantsRoutes(deps: { pool: Pool; secretBox: SecretBox; adminApiKey?: string; maxBodyBytes: number; authFailures?: AuthFailureLimiter }) {
  const router = apiRouter({ prefix: '/v1/tenants' });
  // The key first, then the body: a stranger learns nothing from how a body is judged.
  router.use(authenticateAdmin(deps.adminApiKey, deps.authFailures), jsonBody(deps.maxBodyBytes));
  router.post('/', async (ctx) => {
    const body = validate(createTenantBody, ctx.request.body, 'body');
    const { tenant, defaultProfile, apiKey, key } = await createTenant(deps.pool, {
      name: body.name,
      clientId: body.client_id,
      defaultProfile: body.default_profile,
    });
    ctx.status = 201;
    ctx.body = {
      tenant: { id: tenant.id, name: tenant.name, client_id: tenant.clientId, default_profile: defaultProfile },
      api_key: { ...apiKeyView(apiKey), key },
    };
  });
  router.patch('/:id', async (ctx) => {
    const id = uuidParam(ctx.params.id);
    const body = validate(updateTenantBody, ctx.request.body, 'body');
    const { tenant, origin } = await setTenantEgressProxy(deps, id, body.egress_proxy_url);
    ctx.body = { id: tenant.id, name: tenant.name, client_id: tenant.clientId, egress_proxy: origin === null ? null : { origin } };
  });
  return router;
}

/** A tenant's own API keys: the key itself is shown only by `POST`. */
export function apiKeysRoutes(deps: { pool: Pool; forgetKeys: (ids: readonly string[]) => void }) {
  const router = apiRouter<DefaultState>();
  router.post('/api-keys', async (ctx) => {
    // No body means {}; a JSON `null` (or any non-object) body is refused like any other bad body.
    const body = validate(createApiKeyBody, ctx.request.body === undefined ? {} : ctx.request.body, 'body');
    const { record, key } = await createApiKey(deps.pool, ctx.state.tenant, body.name ?? null, ctx.state.apiKeyId);
    ctx.status = 201;
    ctx.body = { ...apiKeyView(record), key };
  });
  router.get('/api-keys', async (ctx) => {
    validate(noQuery, ctx.query, 'query');
    ctx.body = { results: (await listApiKeys(deps.pool, ctx.state.tenant)).map(apiKeyView) };
  });
  router.delete('/api-keys/:id', async (ctx) => {
    await revokeApiKey(deps, ctx.state.tenant, uuidParam(ctx.params.id), ctx.state.apiKeyId);
    ctx.status = 204;
  });
  return router;
}
