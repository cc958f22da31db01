import { BUILTIN_EVENT_TYPES } from '../../src/domain/builtin-event-types';
import { disableKindOf, isOperationalEventType, isOperationalSubscription, OPERATIONAL_EVENT_TYPES } from '../../src/domain/operational-events';
import { subscriptionsMatching } from '../../src/repositories/webhooks-repository';

describe('operational event types', () => {
  it('are built-in catalogue types with a schema', () => {
    for (const name of OPERATIONAL_EVENT_TYPES) {
      expect(BUILTIN_EVENT_TYPES.find((t) => t.name === name)).toMatchObject({ builtin: true, deprecated: false, schema: { type: 'object' } });
    }
    expect(isOperationalEventType('webhook.test')).toBe(false);
    expect(isOperationalEventType('SyncAccount')).toBe(false);
  });

  it('are not taken by `*`, only by their name or prefix', () => {
    expect(subscriptionsMatching('delivery.exhausted')).toEqual(['delivery.exhausted', 'delivery.*']);
    expect(subscriptionsMatching('webhook.disabled')).toEqual(['webhook.disabled', 'webhook.*']);
    // Everything else keeps `*`.
    expect(subscriptionsMatching('webhook.test')).toEqual(['webhook.test', '*', 'webhook.*']);
    expect(subscriptionsMatching('invoice.paid')).toEqual(['invoice.paid', '*', 'invoice.*']);
  });

  it('tell operational subscriptions from the rest', () => {
    for (const entry of ['webhook.*', 'delivery.*', 'delivery.recovered']) expect(isOperationalSubscription(entry)).toBe(true);
    for (const entry of ['*', 'invoice.*', 'webhook.test', 'delivery']) expect(isOperationalSubscription(entry)).toBe(false);
  });

  it('read the kind of a disable from the controller’s reason', () => {
    expect(disableKindOf('the receiver answered 410 Gone')).toBe('gone');
    expect(disableKindOf('4 failed attempts within 10 s')).toBe('automatic');
    expect(disableKindOf('5 failed attempts within 0.5 s')).toBe('automatic');
    expect(disableKindOf('disabled through the API')).toBe('manual');
    expect(disableKindOf('disabled by an operator')).toBe('manual');
    expect(disableKindOf(null)).toBe('manual');
  });
});
