import { api } from './api.js';
import { h, replaceContent } from './dom.js';
import { attemptsChart, latencyChart } from './chart.js';

/** Charts refresh this often while shown. */
const REFRESH_MS = 30_000;
let nextPanel = 0;

/**
 * Attempts per minute and latency over the last hour or day, for one
 * webhook or all of them, with a toggle between the two ranges. Returns the
 * panel and `reload`, for a view that knows something new happened.
 */
export function activityPanel(ctx, { webhookId, title, headingLevel = 'h2', layout = 'stacked' }) {
  const n = ++nextPanel;
  let range = 'hour';
  const charts = h('div', { class: layout === 'side-by-side' ? 'grid-2' : '', 'aria-live': 'polite', id: `activity-charts-${n}` });
  const toggles = ['hour', 'day'].map((value) =>
    h(
      'button',
      { type: 'button', class: 'button button-quiet', 'aria-pressed': String(value === range), dataset: { range: value } },
      value === 'hour' ? 'Last hour' : 'Last day',
    ),
  );
  let mounted = false;
  const load = async () => {
    // A panel that was replaced (another webhook chosen) stops refreshing.
    if (mounted && !charts.isConnected) return false;
    mounted ||= charts.isConnected;
    const stats = await api.get('/v1/stats/deliveries', { range, webhook_id: webhookId });
    if (!ctx.alive) return;
    const figures = [attemptsChart(stats), latencyChart(stats)];
    replaceContent(charts, ...(layout === 'side-by-side' ? figures.map((f) => h('div', { class: 'panel' }, f)) : figures));
  };
  for (const button of toggles) {
    button.addEventListener('click', () => {
      range = button.dataset.range;
      for (const b of toggles) b.setAttribute('aria-pressed', String(b === button));
      void load();
    });
  }
  void ctx.every(REFRESH_MS, load);
  const titleId = `activity-title-${n}`;
  const el = h(
    'section',
    { class: layout === 'side-by-side' ? '' : 'panel', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'section-head' },
      h(headingLevel, { id: titleId }, title),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Time range' }, toggles),
    ),
    charts,
  );
  return { el, reload: () => void load() };
}

export async function activityPage(ctx) {
  document.title = 'Activity · Webhooks';
  const webhooks = await api.get('/v1/webhooks', { limit: 200 });
  const select = h(
    'select',
    { id: 'activity-webhook' },
    h('option', { value: '' }, 'All webhooks'),
    webhooks.results.map((w) => h('option', { value: w.id }, w.name)),
  );
  const slot = h('div');
  const show = () => {
    replaceContent(slot, activityPanel(ctx, { webhookId: select.value || undefined, title: 'Attempts and latency', layout: 'side-by-side' }).el);
  };
  select.addEventListener('change', show);
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Activity')),
    h('p', { class: 'muted' }, 'Every attempt to reach your endpoints: how many, how many failed, and how long the endpoints took to answer.'),
    h('div', { class: 'field' }, h('label', { for: 'activity-webhook' }, 'Webhook'), select),
    slot,
  );
  show();
}
