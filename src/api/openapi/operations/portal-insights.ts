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
    summary: 'The request an attempt sent',
    description:
      'What attempt `attempt` (without it, the latest) stored as it sent it: its URL, its headers byte for byte in the order written (timestamp and signature included; secret custom header values masked as `[secret]`), the exact body, and the answer’s status and headers (up to 8 KB). An attempt refused before sending has `request_sent: false` and no headers; one made before requests were stored is `source: "not_recorded"`. Before any attempt, a `source: "preview"` from the webhook’s current settings: the timestamp and signatures, made for each attempt, are listed with `value: null` and a note. After `DELETE /v1/events/:id/payload` the body is null and the stored signature value reads `[erased]`.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    query: req.deliveryRequestQuery,
    responses: { 200: { description: 'The request.', json: res.deliveryRequestResponse } },
    errors: [...TENANT, ...BY_ID, 422],
  },
];
