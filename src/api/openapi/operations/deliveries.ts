import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID, idParam, temporalDown } from './common';
import type { OperationSpec } from './spec';

/** Deliveries: listing, reading, retrying and cancelling them. */
export const DELIVERY_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'listDeliveries',
    method: 'get',
    path: '/v1/deliveries',
    summary: 'List deliveries',
    description: 'Newest first.',
    tag: 'Deliveries',
    security: 'tenant',
    query: req.listDeliveriesQuery,
    responses: { 200: { description: 'A page of deliveries.', json: res.deliveryPageResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDelivery',
    method: 'get',
    path: '/v1/deliveries/:id',
    summary: 'Get a delivery and its attempts',
    description: '`next_attempt_at` is read from its workflow while a retry waits.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The delivery with its attempts.', json: res.deliveryDetailResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'retryDelivery',
    method: 'post',
    path: '/v1/deliveries/:id/retry',
    summary: 'Send a finished delivery again',
    description:
      'A `succeeded`, `failed` or `cancelled` delivery goes out again with a fresh attempt series. Attempt numbers continue, and `webhook-id` and the body (`request_body`, shaped at the first attempt) stay the same.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 202: { description: 'The delivery, pending again.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Still pending, or its webhook is deleted or disabled (`invalid_state`).' },
  },
  {
    operationId: 'retryDeliveryNow',
    method: 'post',
    path: '/v1/deliveries/:id/retry-now',
    summary: 'Attempt a waiting delivery now',
    description: 'A delivery waiting in its backoff attempts now; the rest of its schedule stays.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 202: { description: 'The delivery.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Finished, or not started yet (`invalid_state`); or, on a fifo webhook, waiting in line behind earlier deliveries (`waiting_in_line`).', 503: temporalDown },
  },
  {
    operationId: 'cancelDelivery',
    method: 'post',
    path: '/v1/deliveries/:id/cancel',
    summary: 'Cancel a pending delivery',
    description: 'It ends as `cancelled`; nothing more is sent.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The cancelled delivery.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Already finished (`invalid_state`).' },
  },
];
