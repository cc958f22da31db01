import { api, ApiError, onSessionEnded, SessionEndedError, useCsrfToken } from './api.js';
import { h } from './dom.js';
import { activityPage } from './page-activity.js';
import { deliveryPage } from './page-delivery.js';
import { eventTypesPage } from './page-event-types.js';
import { webhookFormPage } from './page-webhook-form.js';
import { webhookPage } from './page-webhook.js';
import { webhooksPage } from './page-webhooks.js';

/**
 * The portal: one page, with a view per hash route. Every view reads and
 * changes things through the `/v1` API with the session cookie.
 */

const ID = '([0-9a-fA-F-]{36})';
const ROUTES = [
  { path: /^\/webhooks\/?$/, nav: 'webhooks', view: webhooksPage },
  { path: /^\/webhooks\/new$/, nav: 'webhooks', view: (ctx) => webhookFormPage(ctx) },
  { path: new RegExp(`^/webhooks/${ID}/edit$`), nav: 'webhooks', view: (ctx, id) => webhookFormPage(ctx, id) },
  { path: new RegExp(`^/webhooks/${ID}$`), nav: 'webhooks', view: webhookPage },
  { path: new RegExp(`^/deliveries/${ID}$`), nav: 'webhooks', view: deliveryPage },
  { path: /^\/activity$/, nav: 'activity', view: activityPage },
  { path: /^\/event-types$/, nav: 'event-types', view: eventTypesPage },
];

const main = document.getElementById('main');
const toastBox = document.getElementById('toast');
let toastTimer;
let keepToast = false;
let current = null;
let session = null;

function toast(message) {
  clearTimeout(toastTimer);
  toastBox.textContent = message;
  toastTimer = setTimeout(() => (toastBox.textContent = ''), 6000);
}

/** Everything a view may use; polls and clean-ups end when the view is left. */
function viewContext() {
  const view = { alive: true, cleanups: [] };
  return {
    view,
    main,
    session,
    readOnly: session.read_only,
    toast,
    navigate: (hash) => {
      keepToast = true;
      location.hash = hash;
    },
    get alive() {
      return view.alive;
    },
    /** Runs `task` now and then every `ms` while the view is shown, one run at a time; a task that returns false stops. */
    every(ms, task) {
      let timer;
      const run = async () => {
        try {
          if ((await task()) === false) return;
        } catch (err) {
          if (err instanceof SessionEndedError) return;
        }
        if (view.alive) timer = setTimeout(run, ms);
      };
      view.cleanups.push(() => clearTimeout(timer));
      return run();
    },
  };
}

function leave() {
  // A message about the page being left goes with it, unless the view itself moved on after giving it ("Webhook created.").
  if (!keepToast) {
    clearTimeout(toastTimer);
    toastBox.textContent = '';
  }
  keepToast = false;
  if (!current) return;
  current.alive = false;
  for (const cleanup of current.cleanups) cleanup();
  current = null;
}

function notFound(message) {
  main.replaceChildren(
    h('section', { class: 'panel narrow' }, h('h1', {}, 'Not found'), h('p', {}, message), h('p', {}, h('a', { href: '#/webhooks' }, 'Back to the webhooks'))),
  );
}

async function show({ focus }) {
  leave();
  const path = location.hash.replace(/^#/, '') || '/webhooks';
  const route = ROUTES.find((r) => r.path.test(path));
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (route && link.dataset.nav === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  if (!route) return notFound('There is no such page in the portal.');
  const ctx = viewContext();
  current = ctx.view;
  try {
    await route.view(ctx, ...path.match(route.path).slice(1));
  } catch (err) {
    if (err instanceof SessionEndedError || !ctx.alive) return;
    if (err instanceof ApiError && err.status === 404) return notFound('It does not exist, or it was deleted.');
    main.replaceChildren(h('section', { class: 'panel narrow' }, h('h1', {}, 'Something went wrong'), h('p', { class: 'alert', role: 'alert' }, err.message)));
  }
  // A view that put focus somewhere itself (a form's first field) keeps it.
  if (focus && ctx.alive && !main.contains(document.activeElement)) (main.querySelector('h1') ?? main).focus?.();
}

async function start() {
  onSessionEnded(() => {
    leave();
    location.replace('/portal/login');
  });
  try {
    session = await api.get('/v1/portal/session');
  } catch (err) {
    if (err instanceof SessionEndedError) return;
    main.replaceChildren(h('p', { class: 'alert', role: 'alert' }, err.message));
    return;
  }
  useCsrfToken(session.csrf_token);
  document.getElementById('tenant-name').textContent = session.tenant.name;
  const signOut = document.getElementById('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    await api.delete('/v1/portal/session').catch(() => undefined);
    location.replace('/portal/login');
  });
  // Headings take focus when the view changes, so screen readers announce the new page; they are not tab stops.
  new MutationObserver(() => {
    for (const heading of main.querySelectorAll('h1:not([tabindex])')) heading.setAttribute('tabindex', '-1');
  }).observe(main, { childList: true, subtree: true });
  window.addEventListener('hashchange', () => void show({ focus: true }));
  await show({ focus: false });
}

void start();
