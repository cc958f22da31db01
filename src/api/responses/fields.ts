import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../domain/statuses';

/** Fields several responses share, defined once so each appears the same everywhere. */
export const id = z.uuid();
/** Timestamps are `Date.toISOString()`: UTC, with milliseconds. */
export const timestamp = z.iso.datetime();

export const deliveryStatus = z.enum(DELIVERY_STATUSES);
