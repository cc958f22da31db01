import { api, ApiError } from './api.js';
import { busy, facts, h, replaceContent, table } from './dom.js';
import { chips, dateTime, deliveryBadge, deliveryState, milliseconds, percent, webhookBadge, webhookState, when } from './format.js';
import { activityPanel } from './page-activity.js';
import { takeSecretForDisplay } from './secret-handoff.js';

/**
 * One webhook: what it is, what can be done with it, and its deliveries,
 * which update every two seconds without a reload.
 */

const POLL_MS = 2000;
const DELIVERIES_SHOWN = 25;
/** Pending deliveries whose next attempt time is looked up on each refresh (one request each). */
const NEXT_ATTEMPT_LOOKUPS = 5;

function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The signing secret, shown this once with a copy button. */
function secretPanel(secret, { rotated, previousExpiresAt }) {
  const value = h('code', { class: 'secret-value', id: 'secret-value' }, secret);
  const status = h('span', { class: 'small', role: 'status', id: 'copy-status' });
  const copy = h('button', { type: 'button', id: 'copy-secret' }, 'Copy secret');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard access (an insecure origin, or a denied permission): select it for a manual copy.
      getSelection().selectAllChildren(value);
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  return h(
    'section',
    { class: 'panel secret-panel', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title' }, rotated ? 'Your new signing secret' : 'Your signing secret'),
    h('p', {}, 'It is shown only now. Store it where your endpoint can read it, and use it to verify each request’s signature.'),
    rotated && previousExpiresAt
      ? h('p', {}, `The previous secret also signs until ${dateTime(previousExpiresAt)}, so your endpoint can switch at any time before then.`)
      : null,
    h('div', { class: 'secret-row' }, value, copy),
    status,
  );
}

export async function webhookPage(ctx, id) {
  let webhook = await api.get(`/v1/webhooks/${id}`);
  let webhookJson = '';
  document.title = `${webhook.name} · Webhooks`;

  const heading = h('div', { class: 'page-head' });
  const notice = h('div');
  const secretSlot = h('div');
  const actionsPanel = h('section', { class: 'panel', 'aria-labelledby': 'actions-title' });
  const actionError = h('div', { class: 'alert', role: 'alert', id: 'action-error' });
  const details = h('section', { class: 'panel', 'aria-labelledby': 'details-title' });
  const deliveries = table({
    id: 'deliveries',
    caption: 'Deliveries of this webhook, newest first',
    columns: ['Event', 'Status', 'Attempts', 'Next attempt', 'Last answer', 'Created'],
  });
  const deliveriesNote = h('p', { class: 'muted small', id: 'deliveries-note' });
  const activity = activityPanel(ctx, { webhookId: id, title: 'Activity', headingLevel: 'h2' });
  let chartedAt = Date.now();
  let chartStale = false;

  ctx.main.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('ol', {}, h('li', {}, h('a', { href: '#/webhooks' }, 'Webhooks')))),
    heading,
    notice,
    secretSlot,
    ctx.readOnly ? null : actionsPanel,
    h('div', { class: 'grid-2' }, details, activity.el),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'deliveries-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'deliveries-title' }, 'Deliveries'), h('span', { class: 'muted small' }, 'Updates every 2 seconds')),
      deliveries.el,
      deliveriesNote,
    ),
  );
  if (!ctx.readOnly) ctx.main.append(recoverPanel());

  const fresh = takeSecretForDisplay(id);
  if (fresh) secretSlot.replaceChildren(secretPanel(fresh, { rotated: false }));

  /** Runs an action with its button disabled meanwhile; the API's refusal is shown in `errorBox`. */
  async function run(button, work, errorBox = actionError) {
    errorBox.textContent = '';
    await busy(button, async () => {
      try {
        await work();
      } catch (err) {
        if (err instanceof ApiError) errorBox.textContent = err.message;
        else throw err;
      }
    });
  }

  const changeState = (action, done, question) => async (event) =>
    run(event.currentTarget, async () => {
      if (question && !confirm(question)) return;
      webhook = await api.post(`/v1/webhooks/${id}/${action}`);
      renderWebhook();
      ctx.toast(done);
      await refreshDeliveries();
    });

  function actionButtons() {
    const buttons = [];
    if (webhook.status !== 'disabled') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            id: 'action-test',
            onclick: (event) =>
              run(event.currentTarget, async () => {
                await api.post(`/v1/webhooks/${id}/test`);
                ctx.toast('Test event sent.');
                await refreshDeliveries();
              }),
          },
          'Send test event',
        ),
      );
    }
    if (webhook.status === 'active') buttons.push(h('button', { type: 'button', class: 'button button-quiet', id: 'action-pause-resume', onclick: changeState('pause', 'Paused: deliveries are held.') }, 'Pause'));
    if (webhook.status === 'paused') buttons.push(h('button', { type: 'button', class: 'button button-quiet', id: 'action-pause-resume', onclick: changeState('resume', 'Resumed: held deliveries go out now.') }, 'Resume'));
    if (webhook.status === 'disabled') buttons.push(h('button', { type: 'button', id: 'action-enable-disable', onclick: changeState('enable', 'Enabled.') }, 'Enable'));
    else buttons.push(h('button', { type: 'button', class: 'button button-quiet', id: 'action-enable-disable', onclick: changeState('disable', 'Disabled: pending deliveries were cancelled.', 'Disable this webhook? Its pending deliveries are cancelled, and new events skip it until it is enabled.') }, 'Disable'));
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          class: 'button button-quiet',
          id: 'action-rotate',
          onclick: (event) =>
            run(event.currentTarget, async () => {
              if (!confirm('Make a new signing secret? The current one keeps signing beside it for a grace period.')) return;
              const rotated = await api.post(`/v1/webhooks/${id}/secret/rotate`);
              secretSlot.replaceChildren(secretPanel(rotated.secret, { rotated: true, previousExpiresAt: rotated.previous_secret_expires_at }));
              document.getElementById('copy-secret').focus();
            }),
        },
        'Rotate secret',
      ),
      h('a', { class: 'button button-quiet', href: `#/webhooks/${id}/edit`, id: 'action-edit' }, 'Edit'),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-danger',
          id: 'action-delete',
          onclick: (event) =>
            run(event.currentTarget, async () => {
              if (!confirm('Delete this webhook? Its pending deliveries are cancelled; its history stays.')) return;
              await api.delete(`/v1/webhooks/${id}`);
              ctx.toast('Webhook deleted.');
              ctx.navigate('#/webhooks');
            }),
        },
        'Delete',
      ),
    );
    return buttons;
  }

  function renderWebhook() {
    const json = JSON.stringify(webhook);
    if (json === webhookJson) return;
    webhookJson = json;
    const state = webhookState(webhook);
    replaceContent(heading, h('div', { class: 'title-line' }, h('h1', { id: 'webhook-name' }, webhook.name), h('span', { id: 'webhook-status' }, webhookBadge(webhook))));
    replaceContent(
      notice,
      webhook.status === 'paused'
        ? h('p', { class: 'notice' }, 'Paused: new deliveries and retries are held until you resume.')
        : state.reason
          ? h('p', { class: 'notice', id: 'disabled-reason' }, `${state.label === 'auto-disabled' ? 'Disabled automatically' : 'Disabled'} ${webhook.disabled_at ? `${when(webhook.disabled_at).textContent} ` : ''}because ${state.reason}. Enable it to receive events again.`)
          : null,
    );
    replaceContent(actionsPanel, h('h2', { id: 'actions-title', class: 'visually-hidden' }, 'Actions'), actionError, h('div', { class: 'actions' }, actionButtons()));
    replaceContent(
      details,
      h('h2', { id: 'details-title' }, 'Details'),
      facts([
        ['Endpoint', h('span', { class: 'mono' }, webhook.url)],
        ['Event types', chips(webhook.events)],
        ['Profile', webhook.profile],
        ['Signature', webhook.signature ?? 'Set by the profile'],
        [
          'Custom headers',
          Object.keys(webhook.headers).length
            ? h('ul', { class: 'chips' }, Object.entries(webhook.headers).map(([name, value]) => h('li', {}, `${name}: ${typeof value === 'string' ? value : '[secret]'}`)))
            : h('span', { class: 'muted' }, 'None'),
        ],
        ['Attempts in all', webhook.max_attempts ?? 'Default'],
        ['Timeout', webhook.timeout_ms ? milliseconds(webhook.timeout_ms) : 'Default'],
        ['Success (24 h)', h('span', { id: 'success-rate' }, '…')],
        ['Last delivery', when(webhook.last_triggered_at)],
        ['Created', when(webhook.created_at, { absolute: true })],
        ['Id', h('span', { class: 'mono' }, webhook.id)],
      ]),
    );
    document.title = `${webhook.name} · Webhooks`;
    void refreshRate();
  }

  async function refreshRate() {
    const stats = await api.get('/v1/stats/webhooks', { range: 'day', webhook_id: id });
    const rate = stats.results[0];
    const slot = document.getElementById('success-rate');
    if (slot) slot.textContent = rate ? `${percent(rate.success_rate)} (${rate.succeeded} of ${rate.succeeded + rate.failed} finished)` : 'No deliveries yet';
  }

  function recoverPanel() {
    const since = h('input', { type: 'datetime-local', id: 'recover-since', required: true, value: toLocalInput(new Date(Date.now() - 86_400_000)) });
    const until = h('input', { type: 'datetime-local', id: 'recover-until' });
    const result = h('p', { class: 'small', role: 'status', id: 'recover-result' });
    const error = h('div', { class: 'alert', role: 'alert', id: 'recover-error' });
    const button = h('button', { type: 'submit', id: 'recover-submit' }, 'Re-send failed deliveries');
    const form = h(
      'form',
      { novalidate: true },
      error,
      h(
        'div',
        { class: 'inline-fields' },
        h('div', { class: 'field' }, h('label', { for: 'recover-since' }, 'Failed deliveries created from'), since),
        h('div', { class: 'field' }, h('label', { for: 'recover-until' }, 'Until (optional)'), until),
        h('div', { class: 'field' }, button),
      ),
      result,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      result.textContent = '';
      if (!since.value) {
        error.textContent = 'Choose where the range starts.';
        return since.focus();
      }
      await run(
        button,
        async () => {
          const body = { since: new Date(since.value).toISOString(), ...(until.value ? { until: new Date(until.value).toISOString() } : {}) };
          const recovered = await api.post(`/v1/webhooks/${id}/recover`, body);
          result.textContent =
            recovered.recovered === 0
              ? 'No failed deliveries in that range.'
              : `${recovered.recovered} failed ${recovered.recovered === 1 ? 'delivery was' : 'deliveries were'} sent again.`;
          await refreshDeliveries();
        },
        error,
      );
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'recover-title' },
      h('h2', { id: 'recover-title' }, 'Recover failed deliveries'),
      h('p', { class: 'muted small' }, 'Sends again every failed delivery of this webhook created in the range, with the same body and webhook-id.'),
      form,
    );
  }

  const rows = new Map();
  function deliveryRow(d) {
    const cells = {
      event: h('a', { href: `#/deliveries/${d.id}`, class: 'delivery-link' }, d.event_type),
      status: h('span', { class: 'delivery-status' }),
      attempts: h('span', { class: 'delivery-attempts' }),
      next: h('span', { class: 'delivery-next' }),
      last: h('span', { class: 'delivery-last' }),
      created: h('span'),
    };
    const tr = deliveries.row([cells.event, cells.status, cells.attempts, cells.next, cells.last, cells.created], { 'data-delivery-id': d.id });
    let shown = '';
    return {
      tr,
      /** Returns whether anything changed. */
      update(delivery, nextAttemptAt) {
        // "2 minutes ago" moves on by itself; the rest is redrawn only when the delivery changed.
        replaceContent(cells.next, nextAttemptAt ? when(nextAttemptAt) : h('span', { class: 'muted' }, '—'));
        replaceContent(cells.created, when(delivery.created_at));
        const state = deliveryState(delivery, webhook);
        const key = JSON.stringify([delivery.updated_at, delivery.status, state]);
        if (key === shown) return false;
        shown = key;
        tr.dataset.status = state;
        replaceContent(cells.status, deliveryBadge(delivery, webhook));
        cells.attempts.textContent = String(delivery.attempt_count);
        cells.last.textContent = delivery.last_status_code ? `HTTP ${delivery.last_status_code}` : (delivery.last_error ?? '—');
        return true;
      },
    };
  }

  async function refreshDeliveries() {
    const page = await api.get('/v1/deliveries', { webhook_id: id, limit: DELIVERIES_SHOWN });
    const waiting = page.results.filter((d) => d.status === 'pending' && d.attempt_count > 0 && webhook.status === 'active').slice(0, NEXT_ATTEMPT_LOOKUPS);
    const details = await Promise.all(waiting.map((d) => api.get(`/v1/deliveries/${d.id}`).catch(() => null)));
    const nextAt = new Map(details.filter(Boolean).map((d) => [d.id, d.next_attempt_at]));
    if (!ctx.alive) return;
    const seen = new Set();
    let changed = false;
    page.results.forEach((d, i) => {
      seen.add(d.id);
      let row = rows.get(d.id);
      if (!row) {
        row = deliveryRow(d);
        rows.set(d.id, row);
      }
      changed = row.update(d, nextAt.get(d.id) ?? null) || changed;
      if (deliveries.tbody.children[i] !== row.tr) deliveries.tbody.insertBefore(row.tr, deliveries.tbody.children[i] ?? null);
    });
    for (const [deliveryId, row] of rows) {
      if (seen.has(deliveryId)) continue;
      row.tr.remove();
      rows.delete(deliveryId);
    }
    // New attempts show in the chart too, redrawn at most every few seconds.
    chartStale ||= changed;
    if (chartStale && Date.now() - chartedAt > 5000) {
      chartStale = false;
      chartedAt = Date.now();
      activity.reload();
    }
    deliveriesNote.textContent =
      page.results.length === 0 ? 'No deliveries yet. Send a test event to see one arrive.' : page.next_cursor ? `The latest ${DELIVERIES_SHOWN} are shown.` : '';
  }

  renderWebhook();
  await ctx.every(POLL_MS, async () => {
    const latest = await api.get(`/v1/webhooks/${id}`);
    if (!ctx.alive) return;
    webhook = latest;
    renderWebhook();
    await refreshDeliveries();
  });
}
