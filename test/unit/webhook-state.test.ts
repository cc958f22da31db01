import { WebhookStatus } from '../../src/domain/statuses';
import { WEBHOOK_ACTIONS, webhookTransition, type WebhookAction } from '../../src/domain/webhook-state';

const { Active, Paused, Disabled } = WebhookStatus;
const refused = { ok: false, error: 'webhook is disabled; enable it instead' };

describe('the webhook state machine', () => {
  it.each<[WebhookStatus, WebhookAction, WebhookStatus]>([
    [Active, 'pause', Paused],
    [Paused, 'resume', Active],
    [Active, 'disable', Disabled],
    [Paused, 'disable', Disabled],
    [Paused, 'enable', Active],
    [Disabled, 'enable', Active],
  ])('%s + %s → %s', (from, action, to) => {
    expect(webhookTransition(from, action)).toEqual({ ok: true, status: to, changed: true });
  });

  it.each<[WebhookStatus, WebhookAction]>([
    [Paused, 'pause'],
    [Active, 'resume'],
    [Active, 'enable'],
    [Disabled, 'disable'],
  ])('repeating a change is a no-op: %s + %s', (status, action) => {
    expect(webhookTransition(status, action)).toEqual({ ok: true, status, changed: false });
  });

  it('refuses to pause or resume a disabled webhook', () => {
    expect(webhookTransition(Disabled, 'pause')).toEqual({ ...refused, status: Disabled });
    expect(webhookTransition(Disabled, 'resume')).toEqual({ ...refused, status: Disabled });
  });

  it.each(WEBHOOK_ACTIONS)('refuses to %s a webhook that is gone', (action) => {
    expect(webhookTransition(undefined, action)).toEqual({ ok: false, error: 'webhook does not exist' });
  });
});
