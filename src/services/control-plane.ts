import type { Client } from '@temporalio/client';
import type { Config } from '../config';

/** What the API needs to reach workflows: a Temporal client (may fail while Temporal is down) and controller settings. */
export interface ControlPlane {
  temporal: () => Promise<Client>;
  config: Pick<Config, 'autoDisable' | 'temporal' | 'accountSync'>;
}
