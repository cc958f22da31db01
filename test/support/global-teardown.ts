import { Client } from 'pg';
import { TEST_ENV } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env[TEST_ENV.pgAdminUrl];
  const runId = process.env[TEST_ENV.runId];
  if (adminUrl && runId) {
    // Drop this run's databases (the embedded server goes away anyway; the shared one must not fill up).
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`hookline_test_${runId}_%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  const stops = ((globalThis as Record<string, unknown>).__hooklineTestStops ?? []) as Array<() => Promise<void>>;
  for (const stop of stops.reverse()) await stop();
}
