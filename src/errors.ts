/**
 * The few errors a use case may throw on purpose. The error middleware maps
 * each to an HTTP status and a stable `code`; anything else is a 500.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  constructor(
    message: string,
    readonly code = 'bad_request',
    details?: unknown,
  ) {
    super(message, details);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(resource: string, id?: string) {
    super(id ? `${resource} ${id} not found` : `${resource} not found`);
  }
}

/** A delivery has no attempt of the number asked for. */
export class AttemptNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'attempt_not_found';
  constructor(deliveryId: string, attempt: number) {
    super(`Delivery ${deliveryId} has no attempt ${attempt}`);
  }
}

/** The caller is known, but may not do this: e.g. a portal session without its CSRF token. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(
    message: string,
    readonly code = 'forbidden',
  ) {
    super(message);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(
    message: string,
    readonly code = 'conflict',
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/** A well-formed request whose content breaks the rules; `details` lists each problem. */
export class ValidationError extends AppError {
  readonly status = 422;
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly problems: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(message, problems);
  }
}

/**
 * A webhook's `custom_profile` that breaks one of its rules (src/domain/custom-profile.ts), or one
 * given or missing where it must not be: a 422 whose `code` names the rule, with the problem by path.
 */
export class CustomProfileError extends AppError {
  readonly status = 422;
  constructor(
    readonly code: string,
    path: string,
    message: string,
  ) {
    super(`${path}: ${message}`, [{ path, message }]);
  }
}

/** A dependency (Temporal) cannot be reached right now; the request may be retried. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

/** Too many requests; `Retry-After` tells when to come back. */
export class RateLimitedError extends AppError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    /** `rate_limited` (a tenant's event rate) or `too_many_auth_failures` (wrong credentials from one address). */
    readonly code: 'rate_limited' | 'too_many_auth_failures' = 'rate_limited',
  ) {
    super(message);
  }
}

/** Errors that mean "Postgres is unreachable or restarting", not "this query is wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300'].includes(e.code)) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}
