import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import { getDeliveryWithAttempts, listDeliveries } from '../../services/inspect-deliveries';
import { attemptView, deliveryView } from '../views/delivery-view';
import { pageView } from '../views/page-view';
import { listDeliveriesQuery } from '../schemas/deliveries';
import type { ControlPlane } from '../../services/control-plane';
import { cancelDelivery, nextAttemptAt, redeliver, retryNow } from '../../services/operate-deliveries';
import { cursorParam, uuidParam, validate } from '../validate';

export function deliveriesRoutes(deps: { pool: Pool; control: ControlPlane }) {
  const router = apiRouter<DefaultState>();

  router.get('/deliveries', async (ctx) => {
    const q = validate(listDeliveriesQuery, ctx.query, 'query');
    const rows = await listDeliveries(deps.pool, ctx.state.tenant, {
      limit: q.limit,
      after: cursorParam(q.cursor),
      webhookId: q.webhook_id,
      eventId: q.event_id,
      status: q.status,
    });
    ctx.body = pageView(rows, q.limit, deliveryView);
  });

  router.get('/deliveries/:id', async (ctx) => {
    const { delivery, attempts } = await getDeliveryWithAttempts(deps.pool, ctx.state.tenant, uuidParam(ctx.params.id));
    const next = await nextAttemptAt(deps, delivery);
    ctx.body = { ...deliveryView(delivery), next_attempt_at: next?.toISOString() ?? null, attempts: attempts.map(attemptView) };
  });

  /** Redeliver a finished delivery with a fresh attempt series (same `webhook-id`). */
  router.post('/deliveries/:id/retry', async (ctx) => {
    ctx.status = 202;
    ctx.body = deliveryView(await redeliver(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  /** A delivery waiting in backoff attempts now, keeping the rest of its schedule. */
  router.post('/deliveries/:id/retry-now', async (ctx) => {
    ctx.status = 202;
    ctx.body = deliveryView(await retryNow(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  router.post('/deliveries/:id/cancel', async (ctx) => {
    ctx.body = deliveryView(await cancelDelivery(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  return router;
}
