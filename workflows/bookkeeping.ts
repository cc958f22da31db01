import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';

/** Activities that touch only Postgres are retried until they land, backing off to once a minute. */
export const BOOKKEEPING_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };

/** Options of a bookkeeping activity: a short Postgres write, retried until it lands. */
export const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: BOOKKEEPING_RETRY,
};
