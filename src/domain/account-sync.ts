/**
 * Account syncs, under the SyncAccount/SyncError contract. A sync ends in success (a SyncAccount hook) or
 * in one of these errors (a SyncError hook), each with its own consequence.
 */
export const SYNC_ERRORS = [
  /** Credentials no longer work: the account needs a reconnect. */
  'LoginFailedError',
  /** The user must answer a security question or 2FA: the account needs a reconnect. */
  'SecurityQuestionError',
  /** Passing trouble at the provider: retried automatically, and reported. */
  'TemporaryFailureError',
  /** A failure the connector knows but cannot handle: reported and logged with the account id. */
  'UnhandledConnectorError',
  /** Anything else, including a connector that throws something unexpected. */
  'UnknownConnectorError',
] as const;
export type SyncErrorType = (typeof SYNC_ERRORS)[number];

/** Errors after which scheduled syncs skip the account until it is reconnected. */
export const RECONNECT_ERRORS: readonly SyncErrorType[] = ['LoginFailedError', 'SecurityQuestionError'];

export const AccountStatus = { Active: 'active', NeedsReconnect: 'needs_reconnect' } as const;
export type AccountStatus = (typeof AccountStatus)[keyof typeof AccountStatus];

export const SYNC_ACCOUNT_EVENT = 'SyncAccount';
export const SYNC_ERROR_EVENT = 'SyncError';

/** What one run of a connector came to. */
export type SyncOutcome = { ok: true } | { ok: false; error: SyncErrorType };

/** Connectors the engine ships; a real provider adds its name here and its connector to the registry. */
export const PROVIDERS = ['demo'] as const;

/** The demo connector's script: each sync takes the next entry; the last one repeats. */
export const DEMO_OUTCOMES = ['success', ...SYNC_ERRORS, 'crash'] as const;
export type DemoOutcome = (typeof DEMO_OUTCOMES)[number];
