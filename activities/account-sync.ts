import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import {
  AccountStatus,
  RECONNECT_ERRORS,
  SYNC_ACCOUNT_EVENT,
  SYNC_ERROR_EVENT,
  type SyncOutcome,
} from '../src/domain/account-sync';
import type { BeginSyncResult } from '../src/domain/activity-contracts';
import { withTransaction } from '../src/db/pool';
import { wakeOutbox } from '../src/repositories/outbox-wake';
import { publishEventWith } from '../src/services/publish-event';
import { ConnectorError, type AccountConnector } from './connectors/connector';

export interface AccountSyncDeps {
  pool: Pool;
  connectors: ReadonlyMap<string, AccountConnector>;
}

/** A sync still marked as running after this long is taken to have died. */
const STALE_SYNC = '1 hour';

/** Marks the account as syncing under this workflow, unless it is gone, needs a reconnect, or another sync runs. */
export async function beginSync(deps: AccountSyncDeps, input: { accountId: string; workflowId: string }): Promise<BeginSyncResult> {
  const { rowCount } = await deps.pool.query(
    `UPDATE accounts SET sync_workflow_id = $2, sync_started_at = now()
     WHERE id = $1 AND deleted_at IS NULL AND status = 'active'
       AND (sync_workflow_id IS NULL OR sync_workflow_id = $2 OR sync_started_at < now() - interval '${STALE_SYNC}')`,
    [input.accountId, input.workflowId],
  );
  if (rowCount === 1) return { started: true };
  const { rows } = await deps.pool.query('SELECT status, deleted_at IS NOT NULL AS deleted FROM accounts WHERE id = $1', [
    input.accountId,
  ]);
  const row = rows[0];
  if (!row || row.deleted) return { started: false, reason: 'account deleted' };
  if (row.status !== AccountStatus.Active) return { started: false, reason: 'needs reconnect' };
  return { started: false, reason: 'already syncing' };
}

export async function endSync(deps: AccountSyncDeps, input: { accountId: string; workflowId: string }): Promise<void> {
  await deps.pool.query(
    'UPDATE accounts SET sync_workflow_id = NULL, sync_started_at = NULL WHERE id = $1 AND sync_workflow_id = $2',
    [input.accountId, input.workflowId],
  );
}

/**
 * Runs the account's connector once. Its known errors become SyncError types;
 * anything unexpected is UnknownConnectorError, logged with the account id,
 * never lost.
 */
export async function runConnector(deps: AccountSyncDeps, input: { accountId: string }): Promise<SyncOutcome> {
  const { rows } = await deps.pool.query(
    `SELECT a.id, a.provider, u.id AS user_id, u.login_name FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1`,
    [input.accountId],
  );
  const account = rows[0];
  if (!account) return { ok: false, error: 'UnknownConnectorError' };
  const connector = deps.connectors.get(account.provider);
  try {
    if (!connector) throw new Error(`no connector for provider "${account.provider}"`);
    await connector.sync({ accountId: account.id, provider: account.provider, userId: account.user_id, loginName: account.login_name });
    return { ok: true };
  } catch (err) {
    if (err instanceof ConnectorError) return { ok: false, error: err.type };
    Context.current().log.error('connector failed unexpectedly', { accountId: input.accountId, err });
    return { ok: false, error: 'UnknownConnectorError' };
  }
}

/**
 * Records a sync's outcome on the account and emits its hook, in one
 * transaction: SyncAccount on success, SyncError with the error otherwise,
 * with the seed's exact body. The hook goes through the same fan-out and
 * delivery workflows as every event. `key` makes a retried call emit once.
 */
export async function reportSyncOutcome(
  deps: AccountSyncDeps,
  input: { accountId: string; outcome: SyncOutcome; key: string },
): Promise<{ eventId: string | null }> {
  const reported = await withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query(
      `SELECT a.id, a.tenant_id, a.provider, u.id AS user_id, u.login_name, a.deleted_at IS NOT NULL AS deleted
       FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 FOR UPDATE OF a`,
      [input.accountId],
    );
    const a = rows[0];
    if (!a || a.deleted) return { eventId: null };
    const { outcome } = input;
    const needsReconnect = !outcome.ok && RECONNECT_ERRORS.includes(outcome.error);
    await tx.query(
      `UPDATE accounts SET last_synced_at = now(), last_sync_result = $2, updated_at = now(),
              status = CASE WHEN $3 THEN 'needs_reconnect' ELSE status END
       WHERE id = $1`,
      [a.id, outcome.ok ? 'success' : outcome.error, needsReconnect],
    );
    if (!outcome.ok && (outcome.error === 'UnhandledConnectorError' || outcome.error === 'UnknownConnectorError')) {
      Context.current().log.error('account sync failed; investigate with the account id', { accountId: a.id, error: outcome.error });
    }
    // Key order is the seed's: hook, user {id, loginName}, account {id, provider}, then error.
    const body: Record<string, unknown> = {
      hook: outcome.ok ? SYNC_ACCOUNT_EVENT : SYNC_ERROR_EVENT,
      user: { id: a.user_id, loginName: a.login_name },
      account: { id: a.id, provider: a.provider },
      ...(outcome.ok ? {} : { error: outcome.error }),
    };
    const published = await publishEventWith(tx, { id: a.tenant_id }, {
      type: body.hook as string,
      data: body,
      payloadFormat: 'bare',
      idempotencyKey: `sync-${input.key}`,
    });
    return { eventId: published.event.id };
  });
  if (reported.eventId) wakeOutbox(deps.pool);
  return reported;
}
