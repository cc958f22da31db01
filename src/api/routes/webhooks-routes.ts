import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import type { SecretBox } from '../../crypto/secret-box';
import type { TargetPolicy } from '../../security/target-policy';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from '../../services/manage-webhooks';
import { rotateWebhookSecret } from '../../services/rotate-webhook-secret';
import { sendTestEvent } from '../../services/send-test-event';
import { eventView } from '../views/event-view';
import { pageView } from '../views/page-view';
import { webhookCreatedView, webhookView } from '../views/webhook-view';
import { createWebhookBody, listWebhooksQuery, recoverBody, rotateSecretBody, updateWebhookBody } from '../schemas/webhooks';
import { WEBHOOK_ACTIONS } from '../../domain/webhook-state';
import { changeWebhookState } from '../../services/change-webhook-state';
import type { ControlPlane } from '../../services/control-plane';
import { recoverFailedDeliveries } from '../../services/operate-deliveries';
import { cursorParam, uuidParam, validate } from '../validate';

export function webhooksRoutes(deps: { pool: Pool; control: ControlPlane; targets: TargetPolicy; secretBox: SecretBox; secretRotationGraceMs: number }) {
  const router = apiRouter<DefaultState>();

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

  for (const action of WEBHOOK_ACTIONS) {
    /** The same change as the `${action}` signal on the webhook's controller workflow. */
    router.post(`/webhooks/:id/${action}`, async (ctx) => {
      ctx.body = webhookView(await changeWebhookState(deps, ctx.state.tenant, uuidParam(ctx.params.id), action));
    });
  }

  router.post('/webhooks/:id/recover', async (ctx) => {
    const id = uuidParam(ctx.params.id);
    const body = validate(recoverBody, ctx.request.body ?? {}, 'body');
    const ids = await recoverFailedDeliveries(deps, ctx.state.tenant, id, new Date(body.since), body.until ? new Date(body.until) : undefined);
    ctx.status = 202;
    ctx.body = { recovered: ids.length, delivery_ids: ids };
  });

  router.post('/webhooks/:id/test', async (ctx) => {
    const published = await sendTestEvent(deps.pool, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 202;
    ctx.body = eventView(published.event, published.deliveries);
  });

  // An optional body names the new secret. It appears in this response only; the replaced one keeps signing for the grace period.
  router.post('/webhooks/:id/secret/rotate', async (ctx) => {
    const id = uuidParam(ctx.params.id);
    const body = validate(rotateSecretBody, ctx.request.body ?? {}, 'body');
    const rotated = await rotateWebhookSecret(deps, ctx.state.tenant, id, body.secret);
    ctx.body = { secret: rotated.secret, previous_secret_expires_at: rotated.previousSecretExpiresAt.toISOString() };
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
