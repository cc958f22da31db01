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
