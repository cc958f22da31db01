/**
 * Whether a webhook's deliveries keep the order of their events (`ordering`):
 *
 * - `none` (the default): deliveries run at once, side by side, and retries overtake.
 * - `fifo`: deliveries are attempted one at a time, in the order their events were accepted;
 *   while the head waits in backoff, the ones behind it wait too.
 */
export const DELIVERY_ORDERINGS = ['none', 'fifo'] as const;
export type DeliveryOrdering = (typeof DELIVERY_ORDERINGS)[number];
export const DEFAULT_DELIVERY_ORDERING: DeliveryOrdering = 'none';
/** The ordering whose deliveries carry a `sequence` and go through their webhook's line. */
export const FIFO_ORDERING: DeliveryOrdering = 'fifo';
