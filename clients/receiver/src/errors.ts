/** Why a request was refused: stable codes, for logs and metrics. Never says which secret came close. */
export type VerificationFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'bad_signature'
  | 'body_mismatch'
  | 'id_mismatch'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'unknown_key'
  | 'invalid_json';

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: VerificationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export const refuse = (code: VerificationFailure, message: string): never => {
  throw new WebhookVerificationError(code, message);
};
