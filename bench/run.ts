/**
 * `npm run bench`: measures the engine against its limits. See bench/README.md.
 *
 *   npm run bench                       # the full run (~8 minutes on 2 cores)
 *   npm run bench -- --smoke            # every scenario, tiny (CI)
 *   npm run bench -- --scenarios e2e --duration 30 --warmup 5
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import type { Ctx, Options, ScenarioResult } from './lib/context';
import { ApiClient } from './lib/load';
import { machineInfo } from './lib/machine';
import { ResourceSampler, waitForQuietProcess } from './lib/proc';
import { progress } from './lib/progress';
import { Receiver } from './lib/receiver';
import { writeReport } from './lib/write-report';
import { buildEngine, Engine, PgBackends, startPostgres, startTemporal, vacuum } from './lib/stack';
import { round, sleep, waitUntil } from './lib/stats';
import { e2eScenario } from './scenarios/e2e';
import { failingScenario } from './scenarios/failing';
import { ingestScenario } from './scenarios/ingest';
import { limitsScenario } from './scenarios/limits';
import { memoryScenario } from './scenarios/memory';
import { retentionScenario } from './scenarios/retention';
import { orderedScenario } from './scenarios/ordered';
import { costScenario } from './scenarios/cost';
import { resumeScenario } from './scenarios/resume';

const SCENARIOS: Record<string, (ctx: Ctx) => Promise<ScenarioResult>> = {
  ingest: ingestScenario,
  e2e: e2eScenario,
  failing: failingScenario,
  limits: limitsScenario,
  // Before memory, which runs last and leaves its deliveries pending.
  retention: retentionScenario,
  ordered: orderedScenario,
  cost: costScenario,
  resume: resumeScenario,
  memory: memoryScenario,
};

const USAGE = `Usage: npm run bench -- [options]
  --smoke                 every scenario, a few seconds each (CI); exits 1 on a lost delivery or a crash
  --scenarios LIST        comma-separated, in this order by default: ${Object.keys(SCENARIOS).join(',')}
  --duration S            measured seconds per step (default 10; smoke 2)
  --warmup S              warm-up seconds before each measured step (default 3; smoke 1)
  --ingest-rates LIST     first ingest rates, events/s (default 100,250,500); then doubling
  --ingest-max N          highest ingest rate tried (default 8000)
  --e2e-light N           deliveries/s of the light phase (default 10)
  --e2e-rate1 N           events/s with fan-out 1 (default 200)
  --e2e-rate10 N          events/s with fan-out 10 (default 30)
  --drain-timeout S       longest wait for a backlog to drain (default 300)
  --fail-rate N           events/s in the failing-receiver scenario (default 10)
  --outage S              how long the receiver is down (default 30; smoke 3)
  --memory-pending N      deliveries pending in backoff for the memory scenario (default 10000; smoke 200)
  --memory-webhooks N     webhooks the memory scenario's events fan out to (default 10)
  --memory-timeout S      longest wait for them to have had their first attempt (default 480)
  --ordered-count N       deliveries per webhook in the ordered scenario (default 300; smoke 20)
  --resume-held N         deliveries held by a pause, then resumed, in the resume scenario, and as many
                          unpaused to compare (default 2000; smoke 10)
  --temporal-runs N       no-op workflows for the Temporal limit (default 1500; smoke 60)
  --temporal-concurrency N  in flight at once (default 30)
  --http-concurrency N    concurrency of the HTTP limit (default 200 = WORKER_MAX_CONCURRENT_ACTIVITIES)
  --out DIR               where reports go (default bench/results)
  --topology T            start (default): the processes \`npm start\` runs, its launcher with the API and the
                          worker as its children; prod: the API and the worker started directly, as in production
  --tsx                   run the engine from its TypeScript sources through tsx (default with --topology start,
                          as \`npm start\` does)
  --compiled              build with \`npm run build\` and run it from dist/, as the Docker image does (default
                          with --topology prod)
  --keep-logs             keep the engine's logs after a run that passed (they are always kept after a failure)`;

function parseArgs(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const o: Options = {
    smoke,
    durationS: smoke ? 2 : 10,
    warmupS: smoke ? 1 : 3,
    scenarios: Object.keys(SCENARIOS),
    ingestRates: smoke ? [50] : [100, 250, 500],
    ingestMaxRate: smoke ? 50 : 8000,
    e2eLightRate: smoke ? 5 : 10,
    e2eRate1: smoke ? 20 : 200,
    e2eRate10: smoke ? 3 : 30,
    drainTimeoutS: smoke ? 60 : 300,
    failRate: smoke ? 5 : 10,
    outageS: smoke ? 3 : 30,
    memoryPending: smoke ? 100 : 10_000,
    memoryWebhooks: 10,
    memoryTimeoutS: smoke ? 60 : 480,
    orderedCount: smoke ? 20 : 300,
    resumeHeld: smoke ? 10 : 2000,
    temporalRuns: smoke ? 30 : 1500,
    temporalConcurrency: 30,
    httpConcurrency: 200,
    // A smoke run's report goes where git ignores it (bench/results/*.tmp) and leaves latest.md alone.
    outDir: path.resolve(__dirname, 'results', smoke ? 'smoke.tmp' : ''),
    topology: 'start',
    compiled: false,
    keepLogs: false,
  };
  let compiled: boolean | undefined;
  const num = (v: string | undefined, flag: string) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (flag) {
      case '--smoke':
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      case '--scenarios': {
        const list = (val() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        for (const s of list) if (!SCENARIOS[s]) throw new Error(`unknown scenario "${s}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
        o.scenarios = Object.keys(SCENARIOS).filter((s) => list.includes(s));
        break;
      }
      case '--duration': o.durationS = num(val(), flag); break;
      case '--warmup': o.warmupS = Number(val()); break;
      case '--ingest-rates': o.ingestRates = (val() ?? '').split(',').map((v) => num(v, flag)); break;
      case '--ingest-max': o.ingestMaxRate = num(val(), flag); break;
      case '--e2e-light': o.e2eLightRate = num(val(), flag); break;
      case '--e2e-rate1': o.e2eRate1 = num(val(), flag); break;
      case '--e2e-rate10': o.e2eRate10 = num(val(), flag); break;
      case '--drain-timeout': o.drainTimeoutS = num(val(), flag); break;
      case '--fail-rate': o.failRate = num(val(), flag); break;
      case '--outage': o.outageS = num(val(), flag); break;
      case '--memory-pending': o.memoryPending = Math.round(num(val(), flag)); break;
      case '--memory-webhooks': o.memoryWebhooks = Math.round(num(val(), flag)); break;
      case '--memory-timeout': o.memoryTimeoutS = num(val(), flag); break;
      case '--ordered-count': o.orderedCount = Math.round(num(val(), flag)); break;
      case '--resume-held': o.resumeHeld = Math.round(num(val(), flag)); break;
      case '--temporal-runs': o.temporalRuns = Math.round(num(val(), flag)); break;
      case '--temporal-concurrency': o.temporalConcurrency = Math.round(num(val(), flag)); break;
      case '--http-concurrency': o.httpConcurrency = Math.round(num(val(), flag)); break;
      case '--out': o.outDir = path.resolve(val() ?? ''); break;
      case '--topology': {
        const t = val();
        if (t !== 'start' && t !== 'prod') throw new Error('--topology is start or prod');
        o.topology = t;
        break;
      }
      case '--tsx': compiled = false; break;
      case '--compiled': compiled = true; break;
      case '--keep-logs': o.keepLogs = true; break;
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (!Number.isFinite(o.warmupS) || o.warmupS < 0) throw new Error('--warmup needs a number >= 0');
  // Each topology runs its code as what it stands for does: npm start through tsx, production compiled.
  o.compiled = compiled ?? o.topology === 'prod';
  return o;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '_').toLowerCase();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-'));
  const logDir = path.join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(opts.outDir, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  progress.line(
    `hookline bench${opts.smoke ? ' (smoke)' : ''}: topology ${opts.topology} (${opts.compiled ? 'compiled' : 'tsx'}), scenarios ${opts.scenarios.join(', ')}; logs in ${logDir}`,
  );

  const stops: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => progress.line(`cleanup: ${(err as Error).message}`));
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.line('interrupted: stopping everything (again to exit at once)');
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  let ctx: Ctx | undefined;
  try {
    progress.line('starting Postgres and Temporal...');
    const [pg, temporal] = await Promise.all([startPostgres(workDir, stamp), startTemporal(workDir)]);
    stops.push(() => temporal.stop());
    stops.push(() => pg.stop());
    progress.line(`Postgres ${pg.version}: ${pg.which}`);
    progress.line(`Temporal ${temporal.version}: ${temporal.which}`);

    const sampler = new ResourceSampler(500, ['api', 'worker']);
    if (opts.compiled) await buildEngine();
    const engine = new Engine({ databaseUrl: pg.url, temporalAddress: temporal.address, logDir, stamp, compiled: opts.compiled, topology: opts.topology });
    stops.push(() => engine.stop());
    sampler.track('api', () => (engine.api?.alive ? [engine.api.pid] : []));
    sampler.track('worker', () => (engine.worker?.alive ? [engine.worker.pid] : []));
    sampler.track('launcher', () => (engine.launcher?.alive ? [engine.launcher.pid] : []));
    if (temporal.pid) sampler.track('temporal', () => [temporal.pid!]);
    sampler.track('bench', () => [process.pid]);
    if (pg.local) {
      const backends = new PgBackends(pg.url, pg.database);
      await backends.start();
      stops.push(() => backends.stop());
      sampler.track('postgres', () => backends.pids);
      sampler.pgStates = backends;
    }
    sampler.start();
    stops.push(async () => sampler.stop());

    const receiver = new Receiver();
    await receiver.start();
    stops.push(() => receiver.stop());
    const db = new Pool({ connectionString: pg.url, max: 2 });
    db.on('error', () => undefined);
    stops.push(() => db.end());

    let currentEnv: string | undefined;
    let api: ApiClient | undefined;
    ctx = {
      opts,
      stamp,
      pg,
      temporal,
      engine,
      get api() {
        return api!;
      },
      receiver,
      sampler,
      db,
      charts: [],
      results,
      async useEngine(env, o = {}) {
        const key = JSON.stringify(env);
        if (currentEnv === key && !o.fresh && engine.api?.alive && engine.worker?.alive) return;
        if (currentEnv !== undefined) {
          progress.line('stopping the engine...');
          await api?.close();
          await engine.stop();
        }
        progress.line(`starting the engine (API + worker)${Object.keys(env).length ? ` with ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}...`);
        const t = Date.now();
        await engine.start(env, o.label);
        api = new ApiClient(engine.apiUrl, engine.apiKey);
        currentEnv = key;
        progress.line(`engine ready in ${((Date.now() - t) / 1000).toFixed(1)} s (API pid ${engine.api.pid}, worker pid ${engine.worker.pid})`);
      },
      async settle(label, timeoutMs = opts.smoke ? 30_000 : 120_000) {
        const pending = async () =>
          Number((await db.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'")).rows[0].n);
        const ok = await waitUntil(async () => (engine.assertAlive(), (await pending()) === 0), timeoutMs, 250);
        if (!ok) progress.line(`${label}: ${await pending()} deliveries still pending after ${timeoutMs / 1000} s; going on`);
        // Temporal goes on working after the last delivery (closing workflows, visibility records): a
        // scenario must not inherit the one before's backlog, so wait for the server to go quiet.
        let quiet = '';
        if (temporal.pid) {
          const waited = await waitForQuietProcess(temporal.pid, { belowCores: 0.1, forMs: 2000, timeoutMs: opts.smoke ? 15_000 : 120_000 });
          quiet = waited === undefined ? '; the Temporal server was still busy, going on' : `; the Temporal server went quiet after ${round(waited / 1000)} s`;
        }
        const ms = await vacuum(pg.url);
        progress.line(`${label}: settled${quiet}; VACUUM ANALYZE took ${ms} ms`);
      },
    };
    stops.push(async () => api?.close());

    for (const name of opts.scenarios) {
      if (interrupted) break;
      progress.line(`=== scenario ${name} ===`);
      try {
        const result = await SCENARIOS[name]!(ctx);
        results.push(result);
        ctx.engine.assertAlive();
        for (const f of result.failures) failures.push(`${name}: ${f}`);
        progress.line(`=== ${name} done in ${Math.round(result.durationS)} s${result.failures.length ? `: FAILED (${result.failures.join('; ')})` : ''} ===`);
        // The next scenario starts on a quiet engine and server, not on this one's leftovers.
        if (name !== opts.scenarios[opts.scenarios.length - 1]) await ctx.settle(`after ${name}`);
      } catch (err) {
        const msg = `${name}: crashed: ${(err as Error).stack ?? String(err)}`;
        failures.push(msg);
        progress.line(msg);
        results.push({
          name,
          title: name,
          data: { crashed: (err as Error).message },
          markdown: `**Crashed:** \`${(err as Error).message.split('\n')[0]}\``,
          failures: [msg],
          notes: [],
          usage: [],
          engineEnv: {},
          durationS: 0,
        });
        // A crashed engine is restarted for the next scenario, if there is one.
        await engine.stop().catch(() => undefined);
        if (name !== opts.scenarios[opts.scenarios.length - 1]) await ctx.useEngine({}, { fresh: true }).catch((e) => progress.line(`could not restart the engine: ${(e as Error).message}`));
      }
    }
    await sleep(10);
    const machine = await machineInfo(pg, temporal);
    const written = writeReport({ opts, stamp, startedAt, machine, results, failures, charts: ctx.charts, engineBaseEnv: engine.baseEnv(), rssTimeline: sampler.timeline });
    progress.line(`report: ${written.md}`);
  } catch (err) {
    failures.push(`bench crashed: ${(err as Error).stack ?? String(err)}`);
    progress.line(`bench crashed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await cleanup();
    if (failures.length === 0 && !opts.keepLogs) rmSync(workDir, { recursive: true, force: true });
  }
  const seconds = Math.round(progress.elapsedS());
  if (failures.length) {
    progress.line(`FAILED after ${seconds} s:\n  - ${failures.join('\n  - ')}\n(engine logs kept in ${logDir})`);
    return 1;
  }
  progress.line(`done in ${seconds} s${opts.keepLogs ? ` (engine logs in ${logDir})` : ''}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
