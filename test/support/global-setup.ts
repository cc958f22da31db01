import { bundleWorkflowCode } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/main/embedded-postgres';
import { startDevServer } from '../../src/devtools/dev-server';
import { ensureTemporalCli } from '../../src/devtools/temporal-cli';
import { workflowsPath } from '../../src/temporal/delivery-worker';
import { TEST_ENV } from './test-env';
import { freePort } from '../../src/devtools/free-port';

/**
 * Starts what every test file shares: a real PostgreSQL (DATABASE_URL, or an
 * embedded one on a fresh machine), one in-memory Temporal dev server, and one
 * workflow bundle. Each test file then makes its own database and task queue.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const stops: Array<() => Promise<void>> = [];
  (globalThis as Record<string, unknown>).__hooklineTestStops = stops;
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env[TEST_ENV.runId] = runId;

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hookline-test-'));
  // Run as root, the embedded server drops to a `postgres` user, which must be able to reach its data directory.
  chmodSync(tmp, 0o755);
  stops.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const [pgAdminUrl, temporalAddress, bundlePath] = await Promise.all([
    (async () => {
      if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
      const pg = await startEmbeddedPostgres({
        dir: path.join(tmp, 'postgres'),
        port: await freePort(),
        database: 'postgres',
      });
      stops.push(pg.stop);
      return pg.url;
    })(),
    (async () => {
      const executable = await ensureTemporalCli({ log: (l) => process.stderr.write(`${l}\n`) });
      const server = await startDevServer({ executable });
      stops.push(server.stop);
      return server.address;
    })(),
    (async () => {
      const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger });
      const file = path.join(tmp, 'workflow-bundle.js');
      writeFileSync(file, code);
      return file;
    })(),
  ]);
  process.env[TEST_ENV.pgAdminUrl] = pgAdminUrl;
  process.env[TEST_ENV.temporalAddress] = temporalAddress;
  process.env[TEST_ENV.workflowBundle] = bundlePath;
  process.stderr.write(`\ntest stack ready in ${Date.now() - started} ms (Temporal ${temporalAddress})\n`);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => process.stderr.write(`${m}\n`),
  error: (m: string) => process.stderr.write(`${m}\n`),
};
