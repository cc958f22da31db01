import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { keepSecretForDisplay } from './secret-handoff.js';

/**
 * Create or change a webhook. The API judges the input; its messages are
 * shown next to the fields they are about.
 */

const SCHEMES = [
  ['standard', 'Standard Webhooks (webhook-signature, HMAC-SHA256)'],
  ['hmac-sha256', 'HMAC-SHA256 of the body (X-Webhook-Signature: sha256=…)'],
  ['hmac-sha512', 'HMAC-SHA512 of the body (X-Webhook-Signature)'],
  ['ed25519', 'Ed25519, verified with the public keys (JWKS)'],
];

/** Profiles: the wire format and delivery rules of a named system. Only some take a signature scheme. */
const PROFILES = [
  ['standard', 'Standard Webhooks'],
  ['assetsup', 'AssetsUp (X-AssetsUp-Signature, 1 + 3 attempts)'],
  ['argyle', 'Argyle (X-Argyle-Signature, HMAC-SHA512)'],
  ['assets-server', 'Assets Server (4xx final, 9 attempts)'],
  ['asset', 'Asset (asset-id, asset-signature: JWS verified with the JWKS; HTTPS only)'],
  ['custom', 'Custom (its format is set through the API)'],
];
const TAKES_SCHEME = new Set(['standard', 'assets-server']);

const FIELDS = ['name', 'url', 'events', 'headers', 'profile', 'signature', 'max_attempts', 'timeout_ms'];

function field({ name, label, hint, control }) {
  const errorId = `${name}-error`;
  const hintId = hint ? `${name}-hint` : null;
  control.id = `field-${name}`;
  control.name = name;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'field-error', id: errorId }),
  );
}

/** The custom profile's settings, read-only: they are changed through the API (PATCH /v1/webhooks/:id, custom_profile). */
function customProfileSummary(c) {
  const rows = [
    ['Id header', c.id_header],
    ['Timestamp header', c.timestamp_header],
    ['Signature header', c.signature_header],
    ['Algorithm', c.algorithm],
    ['Encoding', c.encoding],
    ['Value template', c.template],
    ['Signed content', c.signed_content],
    ['4xx retried', c.retry_4xx ? 'yes' : 'no'],
  ];
  return h(
    'div',
    { class: 'field', id: 'custom-profile' },
    h('span', { class: 'label' }, 'Custom format (set through the API)'),
    h('dl', { class: 'details' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, h('code', {}, value))])),
  );
}

/** How a secret custom header shows in the box; the line sent back as it is keeps the stored value. */
const SECRET_SHOWN = '[secret]';

/** `Name: value` lines into an object (`Name: [secret]` keeps a secret value); problems are reported by line. */
function parseHeaders(text) {
  const headers = {};
  const problems = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = line.indexOf(':');
    if (at <= 0) problems.push(`Line ${i + 1}: write it as "Name: value"`);
    else {
      const value = line.slice(at + 1).trim();
      headers[line.slice(0, at).trim()] = value === SECRET_SHOWN ? { secret: true } : value;
    }
  });
  return { headers, problems };
}

/** An empty box means "the default"; anything else goes to the API as a number if it is one, for it to judge. */
function numberOrRaw(text) {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

export async function webhookFormPage(ctx, id) {
  const editing = Boolean(id);
  const [webhook, catalogue] = await Promise.all([
    editing ? api.get(`/v1/webhooks/${id}`) : Promise.resolve(null),
    api.get('/v1/event-types').catch(() => ({ results: [] })),
  ]);
  document.title = editing ? `Edit ${webhook.name} · Webhooks` : 'New webhook · Webhooks';

  const controls = {
    name: h('input', { type: 'text', autocomplete: 'off', value: webhook?.name ?? '' }),
    url: h('input', { type: 'url', inputmode: 'url', autocomplete: 'url', placeholder: 'https://example.com/webhooks', value: webhook?.url ?? '' }),
    events: h('input', { type: 'text', autocomplete: 'off', placeholder: 'order.created, order.paid', value: webhook?.events.join(', ') ?? '' }),
    headers: h('textarea', { rows: 3, spellcheck: 'false', placeholder: 'X-Team: payments' }),
    // A custom format is set through the API (custom_profile): here it is shown, and kept, but not edited.
    profile: h(
      'select',
      {},
      PROFILES.map(([value, label]) =>
        h('option', { value, selected: (webhook?.profile ?? 'standard') === value, disabled: value === 'custom' && webhook?.profile !== 'custom' }, label),
      ),
    ),
    signature: h('select', {}, SCHEMES.map(([value, label]) => h('option', { value, selected: (webhook?.signature ?? 'standard') === value }, label))),
    max_attempts: h('input', { type: 'text', inputmode: 'numeric', value: webhook?.max_attempts ?? '' }),
    timeout_ms: h('input', { type: 'text', inputmode: 'numeric', value: webhook?.timeout_ms ?? '' }),
  };
  const syncScheme = () => {
    controls.signature.disabled = !TAKES_SCHEME.has(controls.profile.value);
  };
  controls.profile.addEventListener('change', syncScheme);
  syncScheme();
  controls.headers.value = Object.entries(webhook?.headers ?? {})
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : SECRET_SHOWN}`)
    .join('\n');
  const known = catalogue.results.filter((t) => !t.archived_at).map((t) => t.name);

  const summary = h('div', { class: 'alert', role: 'alert', id: 'form-errors', tabindex: '-1' });
  const submit = h('button', { type: 'submit', id: 'save-webhook' }, editing ? 'Save changes' : 'Create webhook');
  const form = h(
    'form',
    { novalidate: true, id: 'webhook-form' },
    summary,
    field({ name: 'name', label: 'Name', control: controls.name, hint: 'For people: it is sent with each event as webhook.name.' }),
    field({ name: 'url', label: 'Endpoint URL', control: controls.url, hint: 'Where events are sent, as POST requests.' }),
    field({
      name: 'events',
      label: 'Event types',
      control: controls.events,
      hint: `Separated by commas. * receives everything; accounts.* every type under accounts.${known.length ? ` Known types: ${known.join(', ')}.` : ''}`,
    }),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Delivery'),
      field({ name: 'profile', label: 'Profile', control: controls.profile, hint: 'The wire format and delivery rules of a named system.' }),
      field({ name: 'signature', label: 'Signature scheme', control: controls.signature, hint: 'Standard and Assets Server only: the other profiles sign in their own format.' }),
      webhook?.custom_profile ? customProfileSummary(webhook.custom_profile) : null,
      field({ name: 'headers', label: 'Custom headers', control: controls.headers, hint: 'One per line, as Name: value. Sent with every request. A secret value (set through the API) shows as [secret]: keep its line to keep it.' }),
      h(
        'div',
        { class: 'inline-fields' },
        field({ name: 'max_attempts', label: 'Attempts in all', control: controls.max_attempts, hint: '1 to 10; empty for the default.' }),
        field({ name: 'timeout_ms', label: 'Timeout (ms)', control: controls.timeout_ms, hint: '1000 to 60000; empty for the default.' }),
      ),
    ),
    h('div', { class: 'actions' }, submit, h('a', { class: 'button button-quiet', href: editing ? `#/webhooks/${id}` : '#/webhooks' }, 'Cancel')),
  );

  const crumbs = h(
    'nav',
    { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('ol', {}, h('li', {}, h('a', { href: '#/webhooks' }, 'Webhooks')), editing ? h('li', {}, h('a', { href: `#/webhooks/${id}` }, webhook.name)) : null),
  );
  ctx.main.append(crumbs, h('div', { class: 'page-head' }, h('h1', {}, editing ? 'Edit webhook' : 'New webhook')), h('section', { class: 'panel' }, form));

  const showErrors = (byField, general) => {
    for (const name of FIELDS) {
      const message = byField.get(name);
      document.getElementById(`${name}-error`).textContent = message ? message.join(' ') : '';
      if (message) controls[name].setAttribute('aria-invalid', 'true');
      else controls[name].removeAttribute('aria-invalid');
    }
    summary.textContent = byField.size || general.length ? ['Please check the form.', ...general].join(' ') : '';
    const first = FIELDS.find((name) => byField.has(name));
    if (first) controls[first].focus();
    else if (general.length) summary.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const byField = new Map();
    const add = (name, message) => byField.set(name, [...(byField.get(name) ?? []), message]);
    const { headers, problems } = parseHeaders(controls.headers.value);
    problems.forEach((p) => add('headers', p));
    if (byField.size) return showErrors(byField, []);

    const body = {
      name: controls.name.value,
      url: controls.url.value.trim(),
      events: controls.events.value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
      headers,
      profile: controls.profile.value,
      ...(TAKES_SCHEME.has(controls.profile.value) ? { signature: controls.signature.value } : {}),
      max_attempts: numberOrRaw(controls.max_attempts.value),
      timeout_ms: numberOrRaw(controls.timeout_ms.value),
    };
    if (!editing) {
      if (body.max_attempts === null) delete body.max_attempts;
      if (body.timeout_ms === null) delete body.timeout_ms;
    }
    submit.disabled = true;
    try {
      const saved = editing ? await api.patch(`/v1/webhooks/${id}`, body) : await api.post('/v1/webhooks', body);
      // An Argyle webhook created without a secret has none to show: its requests are unsigned.
      if (!editing && saved.secret) keepSecretForDisplay(saved.id, saved.secret);
      ctx.toast(editing ? 'Changes saved.' : 'Webhook created.');
      ctx.navigate(`#/webhooks/${saved.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const general = [];
      for (const detail of err.details) {
        // `body.url`, `body.events.1`, `body.headers.X-Name`: the second part names the field.
        const name = detail.path.split('.')[1];
        if (FIELDS.includes(name)) add(name, detail.message);
        else general.push(detail.message);
      }
      if (err.details.length === 0) general.push(err.message);
      showErrors(byField, general);
    } finally {
      submit.disabled = false;
    }
  });
  controls.name.focus();
}
