/** One header as written or read on the wire: name and value, in order. */
export type WireHeader = [name: string, value: string];

/** What a secret custom header's value is stored and shown as; the receiver gets the value itself. */
export const SECRET_HEADER_MASK = '[secret]';

/** One header of a delivery's request, in the order it is sent. */
export interface RequestHeader {
  name: string;
  /** null: set for each attempt and not stored (see `note`). */
  value: string | null;
  note: string | null;
}

/** The request a delivery sends: where to, its headers, and the exact body as signed. */
export interface DeliveryRequest {
  method: 'POST';
  /** The webhook's URL now; null once the webhook is deleted. */
  url: string | null;
  headers: RequestHeader[];
  /** null before the first attempt. */
  body: string | null;
}
