import type { Pool } from 'pg';
import { SYNC_ERRORS, type DemoOutcome, type SyncErrorType } from '../../src/domain/account-sync';
import { AccountsRepository } from '../../src/repositories/accounts-repository';
import { ConnectorError, type AccountConnector } from './connector';

/**
 * The `demo` provider: no real institution behind it. Each account carries a
 * script of outcomes (`demo.outcomes`); every sync consumes the next one, and
 * the last one repeats. `crash` throws an unexpected error. It exists for
 * tests and the quick start.
 */
export function createDemoConnector(pool: Pool): AccountConnector {
  return {
    provider: 'demo',
    async sync({ accountId }) {
      const taken = await new AccountsRepository(pool).takeDemoOutcome(accountId);
      const outcomes = taken?.outcomes?.length ? taken.outcomes : (['success'] as DemoOutcome[]);
      const outcome = outcomes[Math.min(taken?.used ?? 0, outcomes.length - 1)]!;
      if (outcome === 'success') return;
      if (outcome === 'crash') throw new TypeError('demo connector crashed: cannot read properties of undefined');
      if ((SYNC_ERRORS as readonly string[]).includes(outcome)) throw new ConnectorError(outcome as SyncErrorType);
    },
  };
}
