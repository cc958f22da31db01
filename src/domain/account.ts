import type { AccountStatus, DemoOutcome } from './account-sync';

/** A tenant's user: the owner of provider accounts. */
export interface User {
  id: string;
  tenantId: string;
  loginName: string;
  createdAt: Date;
}

/** A user's account at a provider, synced daily by its schedule and on demand. */
export interface Account {
  id: string;
  tenantId: string;
  userId: string;
  provider: string;
  status: AccountStatus;
  /** The demo provider's script; null for other providers. */
  demoOutcomes: DemoOutcome[] | null;
  /** How many syncs have used the demo script. */
  demoUsed: number;
  /** The sync running now, if any. */
  syncWorkflowId: string | null;
  lastSyncedAt: Date | null;
  /** `success` or the error of the last sync. */
  lastSyncResult: string | null;
  createdAt: Date;
  updatedAt: Date;
}
