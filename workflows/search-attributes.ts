import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Custom search attributes every delivery workflow carries, so an operator can
 * filter in the Temporal UI, e.g. `WebhookId = "..." AND DeliveryStatus = "failed"`.
 * The server must have them registered (see src/devtools/dev-server.ts).
 */
export const WebhookIdAttribute = defineSearchAttributeKey('WebhookId', SearchAttributeType.KEYWORD);
export const EventTypeAttribute = defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD);
/**
 * Set when a delivery ends without success: `failed` or `cancelled`. A running delivery is
 * `ExecutionStatus = "Running"`; a successful one is `ExecutionStatus = "Completed"` without it.
 */
export const DeliveryStatusAttribute = defineSearchAttributeKey('DeliveryStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [WebhookIdAttribute, EventTypeAttribute, DeliveryStatusAttribute] as const;

/** The search attributes a delivery workflow is started with, by the dispatcher or by its webhook's line. */
export function deliverySearchAttributes(input: { webhookId: string; eventType: string }): SearchAttributePair[] {
  return [
    { key: WebhookIdAttribute, value: input.webhookId },
    { key: EventTypeAttribute, value: input.eventType },
  ];
}
