import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import { BadRequestError } from '../../errors';
import {
  archiveEventType,
  createEventType,
  getEventType,
  listEventTypes,
  updateEventType,
  type CatalogueDeps,
} from '../../services/event-catalogue';
import { createEventTypeBody, EVENT_TYPE_PATTERN, updateEventTypeBody } from '../schemas/event-types';
import { noQuery } from '../schemas/fields';
import { updateSettingsBody } from '../schemas/settings';
import { validate } from '../validate';
import { getSettings, updateSettings } from '../../services/manage-settings';
import { eventTypeView } from '../views/event-type-view';
import { settingsView } from '../views/settings-view';

function nameParam(value: string | undefined): string {
  if (!value || !EVENT_TYPE_PATTERN.test(value)) throw new BadRequestError(`event type name must be 1-128 letters, digits, ".", "_" or "-"`, 'invalid_id');
  return value;
}

/** The tenant's event catalogue, and its settings (strict mode, the default profile). */
export function eventTypesRoutes(deps: CatalogueDeps) {
  const router = apiRouter<DefaultState>();

  router.post('/event-types', async (ctx) => {
    const body = validate(createEventTypeBody, ctx.request.body, 'body');
    ctx.status = 201;
    ctx.body = eventTypeView(await createEventType(deps, ctx.state.tenant, body));
  });
  router.get('/event-types', async (ctx) => {
    validate(noQuery, ctx.query, 'query');
    ctx.body = { results: (await listEventTypes(deps, ctx.state.tenant)).map(eventTypeView) };
  });
  router.get('/event-types/:name', async (ctx) => {
    ctx.body = eventTypeView(await getEventType(deps, ctx.state.tenant, nameParam(ctx.params.name)));
  });
  router.patch('/event-types/:name', async (ctx) => {
    const name = nameParam(ctx.params.name);
    const body = validate(updateEventTypeBody, ctx.request.body, 'body');
    ctx.body = eventTypeView(await updateEventType(deps, ctx.state.tenant, name, body));
  });
  router.delete('/event-types/:name', async (ctx) => {
    await archiveEventType(deps, ctx.state.tenant, nameParam(ctx.params.name));
    ctx.status = 204;
  });

  router.get('/settings', async (ctx) => {
    ctx.body = settingsView(await getSettings(deps, ctx.state.tenant));
  });
  router.patch('/settings', async (ctx) => {
    const body = validate(updateSettingsBody, ctx.request.body, 'body');
    ctx.body = settingsView(
      await updateSettings(deps, ctx.state.tenant, {
        strictEventTypes: body.strict_event_types,
        defaultProfile: body.default_profile,
        retentionDays: body.retention_days,
      }),
    );
  });

  return router;
}
