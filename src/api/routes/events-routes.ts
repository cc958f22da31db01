import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import type { Pool } from 'pg';
import { checkEventAgainstCatalogue, refuseOperationalEventType } from '../../services/event-catalogue';
import type { EventSchemaValidator } from '../../services/event-schema-validator';
import type { Metrics } from '../../observability/metrics';
import type { ControlPlane } from '../../services/control-plane';
import { eraseEventPayload } from '../../services/erase-event-payload';
import { getEvent } from '../../services/inspect-deliveries';
import { publishEvent } from '../../services/publish-event';
import { eventView } from '../views/event-view';
import { publishEventBody } from '../schemas/events';
import { rateLimitPerTenant } from '../middleware/rate-limit';
import { uuidParam, validate } from '../validate';

export function eventsRoutes(deps: {
  pool: Pool;
  schemas: EventSchemaValidator;
  eventsRateLimit: { perSecond: number; burst: number };
  metrics?: Metrics;
  control?: ControlPlane;
}) {
  const router = apiRouter<DefaultState>();

  /** 202: stored with its deliveries; they go out as soon as the dispatcher starts them. */
  router.post('/events', rateLimitPerTenant(deps.eventsRateLimit), async (ctx) => {
    const body = validate(publishEventBody, ctx.request.body, 'body');
    refuseOperationalEventType(body.type);
    await checkEventAgainstCatalogue(deps, ctx.state.tenant, body.type, body.data);
    const published = await publishEvent(deps.pool, ctx.state.tenant, {
      type: body.type,
      data: body.data,
      idempotencyKey: body.idempotency_key,
    });
    if (published.replayed) ctx.set('Idempotent-Replayed', 'true');
    else deps.metrics?.eventsAccepted.inc({ type: deps.metrics.eventTypeLabel(body.type) });
    ctx.status = 202;
    ctx.body = eventView(published.event, published.deliveries);
  });

  router.get('/events/:id', async (ctx) => {
    const { event, deliveries } = await getEvent(deps.pool, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.body = eventView(event, deliveries);
  });

  /** 204: the payload and stored bodies are gone, the metadata stays; again, 204 and nothing changes. */
  router.delete('/events/:id/payload', async (ctx) => {
    await eraseEventPayload(deps, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 204;
  });

  return router;
}
