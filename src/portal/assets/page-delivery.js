import { api, ApiError } from './api.js';
import { busy, facts, h, replaceContent, table } from './dom.js';
import { badge, deliveryBadge, deliveryState, milliseconds, when } from './format.js';

/**
 * One delivery: the request a chosen attempt sent, as it stored it (the exact
 * body, the headers byte for byte, the answer's headers), each attempt with the
 * endpoint's answer, and retry, retry now and cancel. Before any attempt it
 * shows a preview. While it is pending the page follows it every two seconds,
 * and the request shown follows the latest attempt until one is chosen.
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
  // The attempt whose request is shown; null follows the latest.
  let chosen = null;
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

  async function showAttempt(value) {
    chosen = value === '' ? null : Number(value);
    request = await api.get(`/v1/deliveries/${id}/request${chosen === null ? '' : `?attempt=${chosen}`}`);
    if (ctx.alive) renderRequest();
  }

  function attemptChooser() {
    if (!delivery.attempts.length) return null;
    const select = h(
      'select',
      { id: 'request-attempt', onchange: (e) => showAttempt(e.currentTarget.value) },
      h('option', { value: '' }, 'The latest attempt'),
      delivery.attempts.map((a) => h('option', { value: String(a.attempt) }, `Attempt ${a.attempt}${a.status_code ? ` (HTTP ${a.status_code})` : ''}`)),
    );
    select.value = chosen === null ? '' : String(chosen);
    return h('p', { class: 'field' }, h('label', { for: 'request-attempt' }, 'Show the request of '), select);
  }

  function source() {
    if (request.source === 'preview') return 'A preview from the webhook’s current settings: no attempt has been made yet.';
    if (request.source === 'not_recorded') return `Attempt ${request.attempt}: ${request.note}`;
    const sent = `Attempt ${request.attempt}, sent ${new Date(request.sent_at).toISOString()}`;
    return request.request_sent ? `${sent}: the headers exactly as written.` : `${sent}. ${request.note}`;
  }

  function renderRequest() {
    const headers = table({ id: 'request-headers', caption: 'Request headers, in the order they are sent', columns: ['Header', 'Value'] });
    for (const header of request.headers) {
      headers.tbody.append(
        headers.row([
          h('span', { class: 'mono' }, header.name),
          header.value === null
            ? h('span', { class: 'muted' }, header.note)
            : [h('span', { class: header.secret ? 'mono muted' : 'mono wrap' }, header.value), header.note ? h('span', { class: 'cell-sub' }, header.note) : null],
        ]),
      );
    }
    let answer = null;
    if (request.response) {
      const rows = table({ id: 'response-headers', caption: 'Response headers, in the order received', columns: ['Header', 'Value'] });
      for (const header of request.response.headers) rows.tbody.append(rows.row([h('span', { class: 'mono' }, header.name), h('span', { class: 'mono wrap' }, header.value)]));
      answer = [
        h('h3', {}, `Response headers${request.response.status_code ? ` (HTTP ${request.response.status_code})` : ''}`),
        rows.el,
        request.response.headers_truncated ? h('p', { class: 'muted', id: 'response-headers-truncated' }, 'More headers came: only the first 8 KB are kept.') : null,
      ];
    }
    replaceContent(
      requestPanel,
      h('h2', { id: 'request-title' }, 'Request'),
      attemptChooser(),
      h('p', { class: 'small muted', id: 'request-source' }, source()),
      h('p', { class: 'mono wrap', id: 'request-line' }, `${request.method} ${request.url ?? '(the webhook was deleted)'}`),
      h('h3', {}, 'Headers'),
      request.headers.length ? headers.el : h('p', { class: 'muted', id: 'request-headers-missing' }, 'None recorded.'),
      h('h3', {}, 'Body, exactly as sent and signed'),
      request.body === null
        ? h('p', { class: 'muted', id: 'request-body-missing' }, request.source === 'preview' ? 'Not built yet: the body is made at the first attempt.' : 'Not stored: erased with the event’s payload.')
         : h('pre', { id: 'request-body' }, request.body),
      answer,
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
    // A new attempt: the chooser lists it, and the request shown follows it unless one was chosen.
    const newAttempt = latest.attempts.length !== delivery.attempts.length;
    delivery = latest;
    webhook = hook;
    if (newAttempt) {
      if (chosen === null) request = await api.get(`/v1/deliveries/${id}/request`);
      if (!ctx.alive) return;
      renderRequest();
    }
    render();
  }

  renderRequest();
  render();
  await ctx.every(POLL_MS, refresh);
}
