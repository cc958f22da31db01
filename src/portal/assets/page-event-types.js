import { api } from './api.js';
import { h, table } from './dom.js';
import { badge } from './format.js';

/** The event types a webhook can subscribe to, with their descriptions and JSON Schemas. */
export async function eventTypesPage(ctx) {
  document.title = 'Event types · Webhooks';
  const catalogue = await api.get('/v1/event-types');
  const types = table({ id: 'event-types', caption: 'Event types', columns: ['Type', 'Description', 'Schema'] });
  for (const t of catalogue.results.filter((type) => !type.archived_at)) {
    types.tbody.append(
      types.row(
        [
          [
            h('span', { class: 'mono' }, t.name),
            t.builtin ? [' ', badge('built-in', 'info')] : null,
            t.deprecated ? [' ', badge('deprecated', 'warn')] : null,
          ],
          t.description || h('span', { class: 'muted' }, 'No description'),
          t.schema
            ? h('details', {}, h('summary', {}, 'JSON Schema'), h('pre', {}, JSON.stringify(t.schema, null, 2)))
            : h('span', { class: 'muted' }, 'Any JSON object'),
        ],
        { 'data-event-type': t.name },
      ),
    );
  }
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Event types')),
    h('p', { class: 'muted' }, 'What your webhooks can subscribe to. Each event’s data follows its type’s schema, when it has one.'),
    h('section', { class: 'panel', 'aria-label': 'Event types' }, types.el),
  );
}
