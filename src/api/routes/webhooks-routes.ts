import Router from '@koa/router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import type { SecretBox } from '../../crypto/secret-box';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from '../../services/manage-webhooks';
import { sendTestEvent } from '../../services/send-test-event';
import { eventView, pageView, webhookCreatedView, webhookView } from '../../services/webhook-views';
import { createWebhookBody, listWebhooksQuery, updateWebhookBody } from '../schemas';
import { cursorParam, uuidParam, validate } from '../validate';

export function webhooksRoutes(deps: { pool: Pool; secretBox: SecretBox }) {
  const router = new Router<DefaultState>();

  router.post('/webhooks', async (ctx) => {
    const body = validate(createWebhookBody, ctx.request.body, 'body');
    const { webhook, secret } = await createWebhook(deps, ctx.state.tenant, body);
    ctx.status = 201;
    ctx.set('Location', `/v1/webhooks/${webhook.id}`);
    ctx.body = webhookCreatedView(webhook, secret);
  });

  router.get('/webhooks', async (ctx) => {
    const q = validate(listWebhooksQuery, ctx.query, 'query');
    const rows = await listWebhooks(deps, ctx.state.tenant, {
      limit: q.limit,
      ordering: q.ordering,
      after: cursorParam(q.cursor),
      fromCreatedAt: q.from_created_at_date ? new Date(q.from_created_at_date) : undefined,
      toCreatedAt: q.to_created_at_date ? inclusiveEnd(q.to_created_at_date) : undefined,
    });
    ctx.body = pageView(rows, q.limit, webhookView);
  });

  router.get('/webhooks/:id', async (ctx) => {
    ctx.body = webhookView(await getWebhook(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  router.patch('/webhooks/:id', async (ctx) => {
    const id = uuidParam(ctx.params.id);
    const body = validate(updateWebhookBody, ctx.request.body, 'body');
    ctx.body = webhookView(await updateWebhook(deps, ctx.state.tenant, id, body));
  });

  router.delete('/webhooks/:id', async (ctx) => {
    await deleteWebhook(deps, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 204;
  });

  router.post('/webhooks/:id/test', async (ctx) => {
    const published = await sendTestEvent(deps.pool, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 202;
    ctx.body = eventView(published.event, published.deliveries);
  });

  return router;
}

/**
 * "Created on or before" as an exclusive bound: the API shows milliseconds
 * while Postgres keeps microseconds, and a bare date means the whole day.
 */
function inclusiveEnd(value: string): Date {
  const date = new Date(value);
  return new Date(date.getTime() + (/^\d{4}-\d{2}-\d{2}$/.test(value) ? 86_400_000 : 1));
}
