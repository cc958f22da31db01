import type { Queryable } from '../db/pool';
import { AccountStatus, type DemoOutcome } from '../domain/account-sync';

export interface User {
  id: string;
  tenantId: string;
  loginName: string;
  createdAt: Date;
}

export interface Account {
  id: string;
  tenantId: string;
  userId: string;
  provider: string;
  status: AccountStatus;
  demoOutcomes: DemoOutcome[] | null;
  demoUsed: number;
  syncWorkflowId: string | null;
  lastSyncedAt: Date | null;
  lastSyncResult: string | null;
  createdAt: Date;
  updatedAt: Date;
}

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
}
