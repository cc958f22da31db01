import type { DeliveryRequestResponse } from '../responses/portal-insights';
import type { DeliveryRequest } from '../../domain/delivery-request';

/** The request a delivery sends, as the API shows it. */
export const deliveryRequestView = (r: DeliveryRequest): DeliveryRequestResponse => ({
  method: r.method,
  url: r.url,
  headers: r.headers.map((h) => ({ name: h.name, value: h.value, note: h.note })),
  body: r.body,
});
