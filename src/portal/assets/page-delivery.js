import { api, ApiError } from './api.js';
import { busy, facts, h, replaceContent, table } from './dom.js';
import { badge, deliveryBadge, deliveryState, milliseconds, when } from './format.js';

/**
 * One delivery: the request it sends (the exact body, and the headers), each
 * attempt with the endpoint's answer, and retry, retry now and cancel. While
 * it is pending the page follows it every two seconds.
 */

const POLL_MS = 2000;

function temporalLink(session, workflowId) {
  const ui = session.temporal_ui;
  if (!ui) return null;
  const href = `${ui.url}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', id: 'temporal-link' }, 'Open its workflow in the Temporal UI');
}

function attemptItem(attempt) {
  const answer = attempt.status_code ? `HTTP ${attempt.status_code}` : 'No answer';
  return h(
    'li',
    { class: 'attempt', 'data-attempt': attempt.attempt },
    h(
      'div',
      { class: 'attempt-head' },
      h('h3', {}, `Attempt ${attempt.attempt}`),
      badge(attempt.status, attempt.status === 'succeeded' ? 'ok' : 'bad'),
      h('span', { class: 'attempt-code' }, answer),
      h('span', { class: 'muted' }, milliseconds(attempt.duration_ms)),
      when(attempt.started_at, { absolute: true }),
    ),
    h('p', { class: 'small muted mono' }, `webhook-timestamp: ${Math.floor(new Date(attempt.started_at).getTime() / 1000)}`),
    attempt.error ? h('p', { class: 'attempt-error' }, attempt.error) : null,
    h('p', { class: 'label' }, 'Response body'),
    attempt.response_body ? h('pre', { class: 'response-body' }, attempt.response_body) : h('p', { class: 'muted' }, 'Empty'),
  );
}

export async function deliveryPage(ctx, id) {
  let delivery = await api.get(`/v1/deliveries/${id}`);
  let [request, webhook] = await Promise.all([api.get(`/v1/deliveries/${id}/request`), api.get(`/v1/webhooks/${delivery.webhook_id}`).catch(() => null)]);
  let shown = '';
  document.title = `Delivery of ${delivery.event_type} · Webhooks`;

  const crumbs = h(
    'nav',
    { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h(
      'ol',
      {},
      h('li', {}, h('a', { href: '#/webhooks' }, 'Webhooks')),
      webhook ? h('li', {}, h('a', { href: `#/webhooks/${webhook.id}`, id: 'delivery-webhook-link' }, webhook.name)) : h('li', {}, 'Deleted webhook'),
    ),
  );
  const heading = h('div', { class: 'page-head' });
  const actionError = h('div', { class: 'alert', role: 'alert', id: 'delivery-action-error' });
  const actions = h('div', { class: 'actions' });
  const summary = h('section', { class: 'panel', 'aria-labelledby': 'summary-title' });
  const requestPanel = h('section', { class: 'panel', 'aria-labelledby': 'request-title' });
  const attempts = h('section', { class: 'panel', 'aria-labelledby': 'attempts-title' });
  ctx.main.append(
    crumbs,
    heading,
    ctx.readOnly ? null : h('section', { class: 'panel', 'aria-label': 'Actions' }, actionError, actions),
    summary,
    requestPanel,
    attempts,
  );

  async function act(button, path, message) {
    actionError.textContent = '';
    await busy(button, async () => {
      try {
        delivery = { ...delivery, ...(await api.post(`/v1/deliveries/${id}/${path}`)) };
        ctx.toast(message);
        await refresh();
      } catch (err) {
        if (err instanceof ApiError) actionError.textContent = err.message;
        else throw err;
      }
    });
    // The button may be gone (a retried delivery offers other actions): focus goes to the heading, whose badge says what happened.
    if (!document.activeElement || document.activeElement === document.body) heading.querySelector('h1')?.focus();
  }

  function renderRequest() {
    const headers = table({ id: 'request-headers', caption: 'Request headers, in the order they are sent', columns: ['Header', 'Value'] });
    for (const header of request.headers) {
      headers.tbody.append(
        headers.row([
          h('span', { class: 'mono' }, header.name),
          header.value === null
            ? h('span', { class: 'muted' }, header.note)
            : [h('span', { class: 'mono wrap' }, header.value), header.note ? h('span', { class: 'cell-sub' }, header.note) : null],
        ]),
      );
    }
    replaceContent(
      requestPanel,
      h('h2', { id: 'request-title' }, 'Request'),
      h('p', { class: 'mono wrap', id: 'request-line' }, `${request.method} ${request.url ?? '(the webhook was deleted)'}`),
      h('h3', {}, 'Headers'),
      headers.el,
      h('h3', {}, 'Body, exactly as sent and signed'),
      request.body === null ? h('p', { class: 'muted', id: 'request-body-missing' }, 'Not built yet: the body is made at the first attempt.') : h('pre', { id: 'request-body' }, request.body),
    );
  }

  function render() {
    const json = JSON.stringify([delivery, webhook?.status]);
    if (json === shown) return;
    shown = json;
    const state = deliveryState(delivery, webhook);
    replaceContent(
      heading,
      h('div', { class: 'title-line' }, h('h1', {}, `Delivery of ${delivery.event_type}`), h('span', { id: 'delivery-status' }, deliveryBadge(delivery, webhook))),
    );
    const buttons = [];
    if (delivery.status !== 'pending') buttons.push(h('button', { type: 'button', id: 'action-retry', onclick: (e) => act(e.currentTarget, 'retry', 'Sent again.') }, 'Retry'));
    if (delivery.status === 'pending' && delivery.next_attempt_at) {
      buttons.push(h('button', { type: 'button', id: 'action-retry-now', onclick: (e) => act(e.currentTarget, 'retry-now', 'Attempting now.') }, 'Retry now'));
    }
    if (delivery.status === 'pending') {
      buttons.push(h('button', { type: 'button', class: 'button button-danger', id: 'action-cancel', onclick: (e) => act(e.currentTarget, 'cancel', 'Cancelled.') }, 'Cancel'));
    }
    replaceContent(actions, buttons);
    replaceContent(
      summary,
      h('h2', { id: 'summary-title' }, 'Summary'),
      facts([
        ['Status', state === 'held' ? 'held: waiting until the webhook is resumed' : delivery.status],
        ['Attempts', h('span', { id: 'attempt-count' }, String(delivery.attempt_count))],
        ['Next attempt', delivery.next_attempt_at ? when(delivery.next_attempt_at) : null],
        ['Last answer', delivery.last_status_code ? `HTTP ${delivery.last_status_code}` : null],
        ['Last error', delivery.last_error],
        ['Sent again', delivery.redeliveries ? `${delivery.redeliveries} time${delivery.redeliveries === 1 ? '' : 's'}` : null],
        ['Created', when(delivery.created_at, { absolute: true })],
        ['Finished', delivery.completed_at ? when(delivery.completed_at, { absolute: true }) : null],
        ['Event', h('span', { class: 'mono' }, delivery.event_id)],
        ['Workflow', [h('span', { class: 'mono' }, delivery.workflow_id), ' ', temporalLink(ctx.session, delivery.workflow_id)]],
      ]),
    );
    replaceContent(
      attempts,
      h('h2', { id: 'attempts-title' }, `Attempts (${delivery.attempts.length})`),
      delivery.attempts.length
        ? h('ol', { class: 'attempts', id: 'attempts' }, delivery.attempts.map(attemptItem))
        : h('p', { class: 'muted' }, state === 'held' ? 'None yet: it is held while the webhook is paused.' : 'None yet.'),
    );
  }

  async function refresh() {
    const [latest, hook] = await Promise.all([api.get(`/v1/deliveries/${id}`), api.get(`/v1/webhooks/${delivery.webhook_id}`).catch(() => null)]);
    if (!ctx.alive) return;
    const bodyWasMissing = request.body === null && latest.attempts.length > 0;
    delivery = latest;
    webhook = hook;
    if (bodyWasMissing) {
      request = await api.get(`/v1/deliveries/${id}/request`);
      renderRequest();
    }
    render();
  }

  renderRequest();
  render();
  await ctx.every(POLL_MS, refresh);
}
