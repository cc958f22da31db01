import type { SyncErrorType } from '../../src/domain/account-sync';

/** The account a connector refreshes. */
export interface SyncTarget {
  accountId: string;
  provider: string;
  userId: string;
  loginName: string;
}

/**
 * A provider integration. `sync` resolves when the account is refreshed and
 * throws a ConnectorError naming what went wrong; anything else it throws is
 * reported as UnknownConnectorError.
 */
export interface AccountConnector {
  readonly provider: string;
  sync(target: SyncTarget): Promise<void>;
}

export class ConnectorError extends Error {
  constructor(
    readonly type: SyncErrorType,
    message: string = type,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
