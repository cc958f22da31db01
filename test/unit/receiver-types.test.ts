import type { operations } from '../../clients/typescript/src/schema';
import {
  isOperationalEvent,
  isSyncHook,
  OPERATIONAL_EVENT_TYPES,
  type OperationalEvent,
  type OperationalEventData,
  type OperationalEventType,
  type SyncAccountHook,
  type SyncErrorHook,
} from '../../clients/receiver/src';
import { OPERATIONAL_EVENT_TYPES as ENGINE_OPERATIONAL_TYPES } from '../../src/domain/operational-events';

/**
 * The receiver kit's payload types are the event catalogue's: each is checked, by the compiler
 * (`npx tsc -p tsconfig.json`), to be exactly the body the served OpenAPI document gives that
 * event type in its `webhooks` section (generated into the typed client's schema.d.ts).
 */
type OperationId<T extends string> = T extends `${infer A}.${infer B}` ? `receive_${A}_${B}` : `receive_${T}`;
type Body<T extends string> = OperationId<T> extends keyof operations
  ? operations[OperationId<T>] extends { requestBody: { content: { 'application/json': infer B } } }
    ? B
    : never
  : never;
type Data<T extends string> = Body<T> extends { data: infer D } ? D : never;
/** `true` only when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const operationalAgree: { [K in OperationalEventType]: Same<OperationalEventData[K], Data<K>> } = {
  'webhook.created': true,
  'webhook.updated': true,
  'webhook.deleted': true,
  'webhook.disabled': true,
  'webhook.enabled': true,
  'delivery.exhausted': true,
  'delivery.recovered': true,
};
const envelopeAgrees: Same<Omit<OperationalEvent<'webhook.created'>, 'id'>, Omit<Body<'webhook.created'>, 'id'>> = true;
const syncAgree: [Same<SyncAccountHook, Body<'SyncAccount'>>, Same<SyncErrorHook, Body<'SyncError'>>] = [true, true];

describe("the receiver kit's payload types", () => {
  it('cover every operational event type of the engine', () => {
    expect([...OPERATIONAL_EVENT_TYPES].sort()).toEqual([...ENGINE_OPERATIONAL_TYPES].sort());
    expect(Object.keys(operationalAgree).sort()).toEqual([...ENGINE_OPERATIONAL_TYPES].sort());
    expect([envelopeAgrees, ...syncAgree]).toEqual([true, true, true]);
  });

  it('tell operational events and sync hooks apart at run time', () => {
    expect(isOperationalEvent({ type: 'webhook.disabled' })).toBe(true);
    expect(isOperationalEvent({ type: 'order.created' })).toBe(false);
    expect(isSyncHook({ hook: 'SyncError' })).toBe(true);
    expect(isSyncHook({ type: 'SyncError' })).toBe(false);
    expect(isSyncHook(null)).toBe(false);
  });
});
