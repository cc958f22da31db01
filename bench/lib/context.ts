import type { Pool } from 'pg';
import type { ApiClient } from './load';
import type { ResourceSampler, PhaseUsage } from './proc';
import type { Receiver } from './receiver';
import type { Engine, PostgresInfo, TemporalInfo, Topology } from './stack';

export interface Options {
  smoke: boolean;
  durationS: number;
  warmupS: number;
  scenarios: string[];
  ingestRates: number[];
  ingestMaxRate: number;
  e2eLightRate: number;
  e2eRate1: number;
  e2eRate10: number;
  drainTimeoutS: number;
  failRate: number;
  outageS: number;
  memoryPending: number;
  memoryWebhooks: number;
  memoryTimeoutS: number;
  /** Deliveries to each webhook (fifo, and unordered for comparison) in the ordered scenario. */
  orderedCount: number;
  /** Deliveries held by a pause and then resumed (and as many unpaused) in the resume scenario. */
  resumeHeld: number;
  temporalRuns: number;
  temporalConcurrency: number;
  httpConcurrency: number;
  outDir: string;
  /** What runs the engine: `npm start`'s launcher and its children, or the API and the worker directly. */
  topology: Topology;
  /** Run the engine from JavaScript compiled into dist/ (as the Docker image does) instead of through tsx. */
  compiled: boolean;
  /** Keep the engine logs after a run that passed. */
  keepLogs: boolean;
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** Machine-readable numbers. */
  data: Record<string, unknown>;
  /** Markdown body of the report section. */
  markdown: string;
  /** Problems that make the run fail (lost deliveries, a crash). */
  failures: string[];
  /** Things worth a reader's attention that do not fail the run. */
  notes: string[];
  usage: PhaseUsage[];
  /** Engine configuration this scenario ran with, beyond the run's base. */
  engineEnv: Record<string, string>;
  durationS: number;
}

export interface Ctx {
  opts: Options;
  stamp: string;
  pg: PostgresInfo;
  temporal: TemporalInfo;
  engine: Engine;
  api: ApiClient;
  receiver: Receiver;
  sampler: ResourceSampler;
  /** The benchmark's own small pool on the bench database. */
  db: Pool;
  /** (Re)starts the engine with this scenario's settings; `fresh` restarts even if they are unchanged. */
  useEngine(env: Record<string, string>, opts?: { fresh?: boolean; label?: string }): Promise<void>;
  /** Waits until no delivery is pending, then VACUUM ANALYZE. */
  settle(label: string, timeoutMs?: number): Promise<void>;
  /** Results of the scenarios run so far (limits uses e2e's). */
  results: ScenarioResult[];
  /** Data for the SVG charts. */
  charts: Array<{ title: string; file: string; svg: string }>;
}
