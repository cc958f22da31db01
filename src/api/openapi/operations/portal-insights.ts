import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID, idParam } from './common';
import type { OperationSpec } from './spec';

/** What the portal shows beyond the resources themselves: statistics, and the request a delivery sends. */
export const PORTAL_INSIGHT_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'getWebhookStats',
    method: 'get',
    path: '/v1/stats/webhooks',
    summary: 'Success rates of webhooks',
    description: 'For each webhook with deliveries created in the range: how many succeeded, failed, wait or were cancelled, and its success rate.',
    tag: 'Webhooks',
    security: 'tenant',
    query: req.statsQuery,
    responses: { 200: { description: 'Counts by webhook.', json: res.webhookStatsResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDeliveryStats',
    method: 'get',
    path: '/v1/stats/deliveries',
    summary: 'Attempts and latency over time',
    description:
      'Attempts per bucket (1 minute over the last hour, 15 minutes over the last day), split into succeeded and failed, with the median and 95th-percentile attempt duration. Every bucket is listed, empty ones too.',
    tag: 'Deliveries',
    security: 'tenant',
    query: req.statsQuery,
    responses: { 200: { description: 'The buckets, oldest first.', json: res.deliveryStatsResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDeliveryRequest',
    method: 'get',
    path: '/v1/deliveries/:id/request',
    summary: 'The request a delivery sends',
    description:
      'Its exact body (the stored bytes every attempt sends) and its headers in the order they are sent: the webhook’s custom headers, then the engine’s. The timestamp and signatures are made for each attempt and not stored: they are listed with `value: null` and a note. The signature headers are those of the profile the delivery was dispatched under (the webhook’s current one before that); an unsigned `argyle` webhook has none. URL and custom headers are the webhook’s current ones.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The request.', json: res.deliveryRequestResponse } },
    errors: [...TENANT, ...BY_ID],
  },
];
