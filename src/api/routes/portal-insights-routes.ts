import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import { envSchema } from '../../config';
import { deliveryStats, webhookStats } from '../../services/delivery-stats';
import { describeDeliveryRequest } from '../../services/describe-delivery-request';
import { deliveryRequestQuery, statsQuery } from '../schemas/portal-insights';
import { uuidParam, validate } from '../validate';
import { deliveryRequestView } from '../views/delivery-request-view';
import { deliveryStatsView, webhookStatsView } from '../views/stats-view';

const DEFAULT_USER_AGENT = envSchema.shape.DELIVERY_USER_AGENT.parse(undefined);

/**
 * What the portal shows beyond the resources themselves: success rates per
 * webhook, attempts and latency over time, and the request a delivery sends.
 * Ordinary tenant routes: an API key reads them as well as a portal session.
 */
export function portalInsightsRoutes(deps: { pool: Pool; deliveryUserAgent?: string }) {
  const router = apiRouter<DefaultState>();

  router.get('/stats/webhooks', async (ctx) => {
    const q = validate(statsQuery, ctx.query, 'query');
    ctx.body = webhookStatsView(await webhookStats(deps.pool, ctx.state.tenant, { range: q.range, webhookId: q.webhook_id }));
  });

  router.get('/stats/deliveries', async (ctx) => {
    const q = validate(statsQuery, ctx.query, 'query');
    ctx.body = deliveryStatsView(await deliveryStats(deps.pool, ctx.state.tenant, { range: q.range, webhookId: q.webhook_id }));
  });

  router.get('/deliveries/:id/request', async (ctx) => {
    const id = uuidParam(ctx.params.id);
    const q = validate(deliveryRequestQuery, ctx.query, 'query');
    const request = await describeDeliveryRequest(deps.pool, ctx.state.tenant, id, {
      userAgent: deps.deliveryUserAgent ?? DEFAULT_USER_AGENT,
      attempt: q.attempt,
    });
    ctx.body = deliveryRequestView(request);
  });

  return router;
}
