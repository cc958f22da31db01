import type { Queryable } from '../db/pool';
import type { Account, User } from '../domain/account';
import { AccountStatus, type DemoOutcome } from '../domain/account-sync';

export type { Account, User };

const ACCOUNT_COLUMNS = `id, tenant_id, user_id, provider, status, demo_outcomes, demo_cursor, sync_workflow_id,
  last_synced_at, last_sync_result, created_at, updated_at`;

const toAccount = (r: any): Account => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  provider: r.provider,
  status: r.status,
  demoOutcomes: r.demo_outcomes,
  demoUsed: r.demo_cursor,
  syncWorkflowId: r.sync_workflow_id,
  lastSyncedAt: r.last_synced_at,
  lastSyncResult: r.last_sync_result,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toUser = (r: any): User => ({ id: r.id, tenantId: r.tenant_id, loginName: r.login_name, createdAt: r.created_at });

/** An account as a sync sees it: what its connector refreshes, and for whom. */
export interface SyncAccount {
  accountId: string;
  tenantId: string;
  provider: string;
  userId: string;
  loginName: string;
}

const SYNC_ACCOUNT_COLUMNS = 'a.id, a.tenant_id, a.provider, u.id AS user_id, u.login_name';

const toSyncAccount = (r: any): SyncAccount => ({
  accountId: r.id,
  tenantId: r.tenant_id,
  provider: r.provider,
  userId: r.user_id,
  loginName: r.login_name,
});

export class AccountsRepository {
  constructor(private readonly db: Queryable) {}

  /** Returns undefined when the login name is taken in this tenant. */
  async insertUser(u: { id: string; tenantId: string; loginName: string }): Promise<User | undefined> {
    const { rows } = await this.db.query(
      `INSERT INTO users (id, tenant_id, login_name) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, login_name) DO NOTHING RETURNING id, tenant_id, login_name, created_at`,
      [u.id, u.tenantId, u.loginName],
    );
    return rows[0] && toUser(rows[0]);
  }

  async findUser(tenantId: string, id: string): Promise<User | undefined> {
    const { rows } = await this.db.query('SELECT id, tenant_id, login_name, created_at FROM users WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return rows[0] && toUser(rows[0]);
  }

  async insertAccount(a: { id: string; tenantId: string; userId: string; provider: string; demoOutcomes: DemoOutcome[] | null }) {
    const { rows } = await this.db.query(
      `INSERT INTO accounts (id, tenant_id, user_id, provider, demo_outcomes) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${ACCOUNT_COLUMNS}`,
      [a.id, a.tenantId, a.userId, a.provider, a.demoOutcomes ? JSON.stringify(a.demoOutcomes) : null],
    );
    return toAccount(rows[0]);
  }

  async findAccount(tenantId: string, id: string): Promise<Account | undefined> {
    const { rows } = await this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [tenantId, id],
    );
    return rows[0] && toAccount(rows[0]);
  }

  /** Newest first. */
  async listAccounts(tenantId: string, q: { userId?: string; limit: number; after?: string }): Promise<Account[]> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1', 'deleted_at IS NULL'];
    if (q.userId) where.push(`user_id = $${params.push(q.userId)}`);
    if (q.after) where.push(`(created_at, id) < (SELECT created_at, id FROM accounts WHERE id = $${params.push(q.after)})`);
    const { rows } = await this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.push(q.limit)}`,
      params,
    );
    return rows.map(toAccount);
  }

  async softDeleteAccount(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE accounts SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL',
      [tenantId, id],
    );
    return rowCount === 1;
  }

  /** Clears needs-reconnect: the user has given new credentials. */
  async reconnect(tenantId: string, id: string): Promise<Account | undefined> {
    const { rows } = await this.db.query(
      `UPDATE accounts SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
       RETURNING ${ACCOUNT_COLUMNS}`,
      [tenantId, id, AccountStatus.Active],
    );
    return rows[0] && toAccount(rows[0]);
  }

  /**
   * Marks the account as syncing under this workflow, unless it is deleted, not active, or
   * another sync runs (one started longer than `staleAfter` ago, a Postgres interval, is taken
   * to have died). True when it is now this workflow's.
   */
  async beginSync(accountId: string, workflowId: string, staleAfter: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE accounts SET sync_workflow_id = $2, sync_started_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND status = $3
         AND (sync_workflow_id IS NULL OR sync_workflow_id = $2 OR sync_started_at < now() - $4::interval)`,
      [accountId, workflowId, AccountStatus.Active, staleAfter],
    );
    return rowCount === 1;
  }

  /** The account's status, and whether it was deleted; undefined when there is no such account. */
  async syncState(accountId: string): Promise<{ status: AccountStatus; deleted: boolean } | undefined> {
    const { rows } = await this.db.query<{ status: AccountStatus; deleted: boolean }>(
      'SELECT status, deleted_at IS NOT NULL AS deleted FROM accounts WHERE id = $1',
      [accountId],
    );
    return rows[0];
  }

  /** Clears the account's running sync, if it is still this workflow's. */
  async endSync(accountId: string, workflowId: string): Promise<void> {
    await this.db.query('UPDATE accounts SET sync_workflow_id = NULL, sync_started_at = NULL WHERE id = $1 AND sync_workflow_id = $2', [
      accountId,
      workflowId,
    ]);
  }

  /** The account and its user, deleted or not. */
  async findForSync(accountId: string): Promise<SyncAccount | undefined> {
    const { rows } = await this.db.query(
      `SELECT ${SYNC_ACCOUNT_COLUMNS} FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1`,
      [accountId],
    );
    return rows[0] && toSyncAccount(rows[0]);
  }

  /** The account and its user, its row locked until the transaction ends; undefined when it is gone or deleted. */
  async lockForSyncReport(accountId: string): Promise<SyncAccount | undefined> {
    const { rows } = await this.db.query(
      `SELECT ${SYNC_ACCOUNT_COLUMNS}, a.deleted_at IS NOT NULL AS deleted
       FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 FOR UPDATE OF a`,
      [accountId],
    );
    return rows[0] && !rows[0].deleted ? toSyncAccount(rows[0]) : undefined;
  }

  /** Stores a sync's result (`success` or the error type); `needsReconnect` also marks the account as needing a reconnect. */
  async recordSyncResult(accountId: string, result: string, needsReconnect: boolean): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET last_synced_at = now(), last_sync_result = $2, updated_at = now(),
              status = CASE WHEN $3 THEN $4 ELSE status END
       WHERE id = $1`,
      [accountId, result, needsReconnect, AccountStatus.NeedsReconnect],
    );
  }

  /** Takes the next entry of a demo account's script of outcomes: the script and how many entries were used before. */
  async takeDemoOutcome(accountId: string): Promise<{ outcomes: DemoOutcome[] | null; used: number } | undefined> {
    const { rows } = await this.db.query<{ outcomes: DemoOutcome[] | null; used: number }>(
      `UPDATE accounts SET demo_cursor = demo_cursor + 1 WHERE id = $1
       RETURNING demo_outcomes AS outcomes, demo_cursor - 1 AS used`,
      [accountId],
    );
    return rows[0];
  }
}
