import type { DeliveryRequestResponse } from '../responses/portal-insights';
import type { DeliveryRequest } from '../../domain/delivery-request';

/** The request a delivery sent (or, in a preview, sends), as the API shows it. */
export const deliveryRequestView = (r: DeliveryRequest): DeliveryRequestResponse => ({
  source: r.source,
  attempt: r.attempt,
  sent_at: r.sentAt?.toISOString() ?? null,
  request_sent: r.requestSent,
  method: r.method,
  url: r.url,
  headers: r.headers.map((h) => ({ name: h.name, value: h.value, note: h.note, secret: h.secret })),
  body: r.body,
  response: r.response && {
    status_code: r.response.statusCode,
    headers: r.response.headers.map(([name, value]) => ({ name, value })),
    headers_truncated: r.response.headersTruncated,
  },
  note: r.note,
});
