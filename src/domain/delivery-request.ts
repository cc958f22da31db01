/** One header as written or read on the wire: name and value, in order. */
export type WireHeader = [name: string, value: string];

/** What a secret custom header's value is stored and shown as; the receiver gets the value itself. */
export const SECRET_HEADER_MASK = '[secret]';

/** One header of a delivery's request, in the order it is sent. */
export interface RequestHeader {
  name: string;
  /** null: set for each attempt and not stored (see `note`), in a preview only. */
  value: string | null;
  note: string | null;
  /** A secret custom header: its value shows as SECRET_HEADER_MASK. */
  secret: boolean;
}

/**
 * Where a shown request comes from: `attempt`, what that attempt stored as it sent it; `preview`,
 * rebuilt from the webhook's current settings before any attempt; `not_recorded`, an attempt made
 * before requests were stored, of which only the body is known.
 */
export type RequestSource = 'attempt' | 'preview' | 'not_recorded';

/** The request a delivery sent (or, before any attempt, sends): where to, its headers, and the exact body as signed. */
export interface DeliveryRequest {
  source: RequestSource;
  /** The attempt shown; null in a preview. */
  attempt: number | null;
  /** When the attempt started; null in a preview. */
  sentAt: Date | null;
  /** false: the attempt was refused before sending, and no request went out. null in a preview or when not recorded. */
  requestSent: boolean | null;
  method: 'POST';
  /** Where the attempt went; in a preview the webhook's URL now (null once it is deleted). */
  url: string | null;
  headers: RequestHeader[];
  /** null before the first attempt, and once the event's payload is erased. */
  body: string | null;
  /** The answer the attempt got; null in a preview, and when none came. */
  response: { statusCode: number | null; headers: WireHeader[]; headersTruncated: boolean } | null;
  /** Why something is missing, in words. */
  note: string | null;
}
