import { api } from './api.js';
import { h, table } from './dom.js';
import { chips, percent, webhookBadge, webhookState, when } from './format.js';

/** Every webhook of the tenant: where it points, what it takes, how it is doing. */
export async function webhooksPage(ctx) {
  document.title = 'Webhooks';
  const list = table({
    id: 'webhooks',
    caption: 'Webhooks',
    columns: ['Name', 'Endpoint', 'Event types', 'Status', 'Success (24 h)', 'Last delivery'],
  });
  const more = h('button', { type: 'button', class: 'button button-quiet', id: 'load-more', hidden: true }, 'Show more');
  ctx.main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Webhooks'),
      ctx.readOnly ? null : h('a', { class: 'button', href: '#/webhooks/new', id: 'new-webhook' }, 'New webhook'),
    ),
    h('p', { class: 'muted' }, 'Endpoints that receive events. Open one to see its deliveries, test it, pause it or change it.'),
    h('section', { class: 'panel', 'aria-label': 'Webhooks' }, list.el, more),
  );

  const [page, stats] = await Promise.all([api.get('/v1/webhooks', { limit: 50 }), api.get('/v1/stats/webhooks', { range: 'day' })]);
  const rates = new Map(stats.results.map((r) => [r.webhook_id, r]));
  let cursor = page.next_cursor;

  const render = (webhooks) => {
    for (const w of webhooks) {
      const state = webhookState(w);
      const rate = rates.get(w.id);
      list.tbody.append(
        list.row(
          [
            h('a', { href: `#/webhooks/${w.id}`, class: 'webhook-name' }, w.name),
            h('span', { class: 'mono wrap' }, w.url),
            chips(w.events),
            [webhookBadge(w), state.reason ? h('span', { class: 'cell-sub' }, state.reason) : null],
            rate
              ? [percent(rate.success_rate), h('span', { class: 'cell-sub' }, `${rate.succeeded} of ${rate.succeeded + rate.failed} finished`)]
              : h('span', { class: 'muted' }, 'No deliveries'),
            when(w.last_triggered_at),
          ],
          { 'data-webhook-id': w.id },
        ),
      );
    }
  };

  if (page.results.length === 0) {
    list.tbody.append(
      h('tr', {}, h('td', { colspan: list.columns.length, class: 'empty' }, ctx.readOnly ? 'No webhooks yet.' : 'No webhooks yet. Create one to start receiving events.')),
    );
  }
  render(page.results);
  more.hidden = !cursor;
  more.addEventListener('click', async () => {
    more.disabled = true;
    const next = await api.get('/v1/webhooks', { limit: 50, cursor });
    render(next.results);
    cursor = next.next_cursor;
    more.disabled = false;
    more.hidden = !cursor;
  });
}
