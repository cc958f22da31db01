import { Client } from 'pg';
import { TEST_API_KEY, createTestDatabase, testConfigEnv } from '../support/harness';
import { freePort } from '../../src/devtools/free-port';
import { startEngineProcess, type EngineProcess } from '../support/processes';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

jest.setTimeout(120_000);

let receiver: Receiver;
const running: EngineProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await receiver?.stop();
});

it('SIGTERM mid-burst: the API and the worker stop cleanly, and after a restart every accepted event is delivered', async () => {
  // Answers take a while, so attempts are in flight when the worker is told to stop.
  receiver = await Receiver.start(() => ({ status: 200, delayMs: 200 }));
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(testConfigEnv({ DATABASE_URL: await createTestDatabase(), PORT: String(port), HOST: '127.0.0.1', TEMPORAL_SDK_METRICS_PORT: '0' })).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  const start = () => {
    const api = startEngineProcess('api', env);
    const worker = startEngineProcess('worker', env);
    running.push(api, worker);
    return { api, worker };
  };
  const base = `http://127.0.0.1:${port}`;
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${base}${p}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });

  let first = start();
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok, { timeoutMs: 60_000, message: 'the API to be ready' });
  await waitFor(() => first.worker.output().includes('worker polling'), { timeoutMs: 60_000, message: 'the worker to poll' });
  expect((await call('POST', '/v1/webhooks', { name: 'r', url: receiver.url, events: ['burst'] })).status).toBe(201);

  // A burst of events; SIGTERM to both processes once some are in.
  const accepted: string[] = [];
  let unanswered = 0;
  const sends = Array.from({ length: 60 }, async (_, i) => {
    try {
      const res = await call('POST', '/v1/events', { type: 'burst', data: { i } });
      if (res.status === 202) accepted.push(((await res.json()) as { id: string }).id);
    } catch {
      unanswered += 1;
    }
    if (i === 20) {
      first.api.child.kill('SIGTERM');
      first.worker.child.kill('SIGTERM');
    }
  });
  await Promise.all(sends);
  expect(await first.api.exited).toBe(0);
  expect(await first.worker.exited).toBe(0);
  expect(accepted.length).toBeGreaterThan(0);

  first = start();
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok, { timeoutMs: 60_000, message: 'the restarted API' });
  await waitFor(
    () => accepted.every((id) => receiver.requests.some((r) => r.headers['webhook-id'] === id)),
    { timeoutMs: 60_000, message: 'every accepted event to arrive' },
  );

  // Nothing half-made: every stored event has its delivery, and every delivery finished.
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status <> 'succeeded'`)).rows[0].n === 0, {
      timeoutMs: 60_000,
      message: 'all deliveries to succeed',
    });
    const { rows } = await db.query(`SELECT count(*)::int AS events, (SELECT count(*)::int FROM deliveries) AS deliveries FROM events`);
    expect(rows[0].events).toBe(rows[0].deliveries);
    expect(rows[0].events).toBeGreaterThanOrEqual(accepted.length);
  } finally {
    await db.end();
  }
  process.stdout.write(`graceful shutdown: sent 60, accepted ${accepted.length}, unanswered ${unanswered}\n`);
  first.api.child.kill('SIGTERM');
  first.worker.child.kill('SIGTERM');
  expect(await first.api.exited).toBe(0);
  expect(await first.worker.exited).toBe(0);
});
