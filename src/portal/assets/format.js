import { h } from './dom.js';

/** How statuses look. The words are the API's own, so what people read matches the API and the docs. */

const WEBHOOK_TONES = { active: 'ok', paused: 'warn', disabled: 'bad' };
const DELIVERY_TONES = { pending: 'info', succeeded: 'ok', failed: 'bad', cancelled: 'neutral', held: 'warn' };

/** Reasons the engine itself gives when it disables a webhook (see the controller workflow). */
const AUTOMATIC_REASONS = [/410 Gone/, /failed attempts within/];

export function badge(label, tone = 'neutral', title) {
  return h('span', { class: `badge badge-${tone}`, title }, label);
}

/** `{label, tone, reason}`: disabled webhooks say whether the engine did it, and why. */
export function webhookState(webhook) {
  if (webhook.status !== 'disabled') return { label: webhook.status, tone: WEBHOOK_TONES[webhook.status] ?? 'neutral', reason: null };
  const automatic = AUTOMATIC_REASONS.some((pattern) => pattern.test(webhook.disabled_reason ?? ''));
  return { label: automatic ? 'auto-disabled' : 'disabled', tone: 'bad', reason: webhook.disabled_reason };
}

export function webhookBadge(webhook) {
  const state = webhookState(webhook);
  return badge(state.label, state.tone, state.reason ?? undefined);
}

/** A pending delivery of a paused webhook is held: it waits for the resume. */
export function deliveryState(delivery, webhook) {
  if (delivery.status === 'pending' && webhook?.status === 'paused') return 'held';
  return delivery.status;
}

export function deliveryBadge(delivery, webhook) {
  const state = deliveryState(delivery, webhook);
  return badge(state, DELIVERY_TONES[state] ?? 'neutral', state === 'held' ? 'Waiting until the webhook is resumed' : undefined);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function dateTime(iso) {
  return dateFormat.format(new Date(iso));
}

export function clock(iso) {
  return shortTime.format(new Date(iso));
}

export function relative(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 60 ? [seconds, 'second'] : abs < 3600 ? [Math.round(seconds / 60), 'minute'] : abs < 86400 ? [Math.round(seconds / 3600), 'hour'] : [Math.round(seconds / 86400), 'day'];
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(value, unit);
}

/** A `<time>` that reads "2 minutes ago" and carries the exact time. */
export function when(iso, { absolute = false } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: dateTime(iso) }, absolute ? dateTime(iso) : relative(iso));
}

export function percent(rate) {
  if (rate === null || rate === undefined) return '—';
  const value = rate * 100;
  return `${value === 100 || value === 0 ? value.toFixed(0) : value.toFixed(1)} %`;
}

export function milliseconds(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

/** A list of event types or other short codes. */
export function chips(values) {
  return h('ul', { class: 'chips' }, values.map((v) => h('li', {}, v)));
}
