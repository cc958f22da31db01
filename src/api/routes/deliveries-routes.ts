import Router from '@koa/router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import { getDeliveryWithAttempts, listDeliveries } from '../../services/inspect-deliveries';
import { attemptView, deliveryView, pageView } from '../../services/webhook-views';
import { listDeliveriesQuery } from '../schemas';
import { cursorParam, uuidParam, validate } from '../validate';

export function deliveriesRoutes(deps: { pool: Pool }) {
  const router = new Router<DefaultState>();

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
    ctx.body = { ...deliveryView(delivery), attempts: attempts.map(attemptView) };
  });

  return router;
}
