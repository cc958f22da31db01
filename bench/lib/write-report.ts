/** Writes `<stamp>.json`, `<stamp>.md`, the SVG charts, and `latest.md` / `latest.json` copies. */
import { renameSync, writeFileSync } from 'node:fs';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/main/engine-runtime';
import path from 'node:path';
import type { Options, ScenarioResult } from './context';
import type { MachineInfo } from './machine';
import type { PhaseUsage } from './proc';
import { fmtMb, fmtMs, fmtRate, fmtRatio, table } from './report';
import { round } from './stats';

interface ReportInput {
  opts: Options;
  stamp: string;
  startedAt: Date;
  machine: MachineInfo;
  results: ScenarioResult[];
  failures: string[];
  charts: Array<{ title: string; file: string; svg: string }>;
  engineBaseEnv: Record<string, string>;
  rssTimeline: unknown;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const DISTURBED_CORES = 0.3;
const GROUPS = ['api', 'worker', 'launcher', 'temporal', 'postgres', 'bench'];

export function writeReport(input: ReportInput): { md: string; json: string } {
  const { opts, stamp, machine, results, failures } = input;
  const get = <T = any>(name: string): T | undefined => {
    const data = results.find((r) => r.name === name)?.data;
    return data && typeof data.crashed !== 'string' ? (data as T) : undefined;
  };
  const ingest = get('ingest');
  const e2e = get('e2e');
  const failing = get('failing');
  const limits = get('limits');
  const memory = get('memory');
  const f = (fanout: number) => e2e?.runs?.find((r: any) => r.fanout === fanout);
  const step = (rate: number) => ingest?.steps?.find((s: any) => s.rate === rate);
  const lostTotal = results.reduce((a, r) => a + sumRuns(r.data, 'lost'), 0);
  const dupTotal = results.reduce((a, r) => a + sumRuns(r.data, 'duplicated'), 0);
  const usage = results.flatMap((r) => r.usage);
  const disturbed = usage.filter((u) => u.otherCores > DISTURBED_CORES);
  const wallS = (Date.now() - input.startedAt.getTime()) / 1000;

  const headline: Array<[string, string, string]> = [];
  if (ingest) {
    for (const rate of [200, 250]) {
      const s = step(rate);
      if (s) headline.push([`Ingest at ${rate} events/s: p50 / p99, errors`, `${fmtMs(s.latencyMs.p50)} / **${fmtMs(s.latencyMs.p99)}**, ${round(s.errors)}`, rate === 200 || !step(200) ? 'p99 ≤ 50 ms at 200/s' : '']);
    }
    headline.push(['Highest ingest rate with errors ≤ 1% and p99 ≤ 1 s', ingest.maxRateWithinLimits ? `${ingest.maxRateWithinLimits} events/s` : 'none', '']);
  }
  const f1 = f(1);
  const f10 = f(10);
  if (f1) headline.push([`Publish p99 at ${f1.load.eventsPerS} events/s during the fan-out 1 load`, fmtMs(f1.load.ingest.latencyMs.p99), 'p99 ≤ 50 ms at 200/s']);
  for (const r of [f1, f10].filter(Boolean)) {
    headline.push([
      `Deliveries/s, fan-out ${r.fanout} (${r.load.offeredDeliveriesPerS}/s offered): sustained during the load; while draining`,
      `**${fmtRate(r.load.deliveriesPerS)}**; ${fmtRate(r.load.drainDeliveriesPerS)}`,
      r.fanout === 10 ? `≥ 1.2 × Temporal limit${limits ? ` (${round(1.2 * limits.temporal.perS)})` : ''}; Convoy: ~290` : 'Convoy: ~195 at 200 events/s',
    ]);
  }
  if (f1) headline.push(['E2E latency, light load (fan-out 1): p50 / p99', `**${fmtMs(f1.light.latencyMs.p50)}** / ${fmtMs(f1.light.latencyMs.p99)}`, 'p50 ≤ 100 ms']);
  if (f10) headline.push(['E2E latency, light load (fan-out 10): p50 / p99', `${fmtMs(f10.light.latencyMs.p50)} / ${fmtMs(f10.light.latencyMs.p99)}`, '']);
  for (const r of [f1, f10].filter(Boolean)) {
    headline.push([`E2E latency under the fan-out ${r.fanout} load: p50 / p99 / max; drain time`, `${fmtMs(r.load.latencyMs.p50)} / ${fmtMs(r.load.latencyMs.p99)} / ${fmtMs(r.load.latencyMs.max)}; ${r.load.drainS} s`, '']);
  }
  if (e2e || failing) headline.push(['**Lost / duplicated** (e2e and failing receivers)', `**${lostTotal} / ${dupTotal}**`, '0 lost']);
  if (failing) {
    headline.push(['Failing receivers: attempts/s; drain after a 30 s outage', `${fmtRate(failing.attemptsPerS)}; ${failing.drainAfterRecoveryS} s`.replace('30 s', `${failing.outageS} s`), '']);
    headline.push(['Healthy webhook beside them, during the outage: p50 / p99', `${fmtMs(failing.healthyLatencyMs.duringOutage.p50)} / ${fmtMs(failing.healthyLatencyMs.duringOutage.p99)}`, '']);
  }
  if (limits) {
    headline.push(['HTTP limit (signed POSTs, no engine)', `${fmtRate(limits.http.perS)}/s`, '']);
    headline.push(['Temporal limit (no-op workflow + no-op activity)', `${fmtRate(limits.temporal.perS)}/s`, 'issue: ~62/s (WAL file db)']);
    for (const r of [f1, f10].filter(Boolean)) {
      headline.push([
        `Fan-out ${r.fanout} sustained as a ratio of the HTTP / Temporal limits`,
        `${fmtRatio(r.load.deliveriesPerS, limits.http.perS)} / ${fmtRatio(r.load.deliveriesPerS, limits.temporal.perS)}`,
        r.fanout === 10 ? '≥ 1.2× Temporal' : '',
      ]);
    }
  }
  if (memory) {
    headline.push([
      `Peak RSS, memory scenario (${memory.published} deliveries to failing receivers; at most ${memory.peakPendingInBackoff.count} pending in backoff at once): worker / API`,
      `**${fmtMb(memory.rssMb.scenarioPeak.worker)}** / ${fmtMb(memory.rssMb.scenarioPeak.api)}`,
      'worker ≤ 300 MB with 10,000',
    ]);
    headline.push(['Idle RSS after start-up: worker / API', `${fmtMb(memory.rssMb.idle.worker)} / ${fmtMb(memory.rssMb.idle.api)}`, '']);
  }

  const md: string[] = [];
  md.push(`# Hookline benchmark, ${input.startedAt.toISOString().replace('T', ' ').replace(/\..*/, '')} UTC${opts.smoke ? ' (smoke run)' : ''}`);
  md.push('');
  md.push(
    `Command: \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`${process.env.DATABASE_URL ? ' with `DATABASE_URL` set' : ''}${process.env.TEMPORAL_ADDRESS ? ' and `TEMPORAL_ADDRESS` set' : ''}. ` +
      `Wall time ${Math.round(wallS)} s. Result: ${failures.length ? `**FAILED** (${failures.length} problem${failures.length > 1 ? 's' : ''}, listed at the end)` : '**passed** (nothing lost, no scenario crashed)'}.`,
  );
  md.push('');
  md.push(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGb} GB RAM, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres.version}, Temporal ${machine.temporal.version}. Details below.`);
  md.push('');
  if (disturbed.length) {
    md.push(
      `> **Possibly disturbed:** processes outside the benchmark used the CPU during ${disturbed.length} phase(s) ` +
        `(${disturbed.map((u) => `${u.name}: ${round(u.otherCores)} cores`).join('; ')}). On a 2-core machine that moves the numbers; see "Where the CPU went".`,
    );
    md.push('');
  }
  md.push('## Headline');
  md.push('');
  md.push(table(['Measure', 'Value', 'Target / reference (issue 7)'], headline));
  md.push('');
  for (const c of input.charts) md.push(`![${c.title}](${stamp}-${c.file}.svg)`, '');
  for (const r of results) {
    md.push(`## ${r.title}`);
    md.push('');
    md.push(r.markdown);
    md.push('');
    if (r.notes.length) {
      md.push(...r.notes.map((n) => `- Note: ${n}`));
      md.push('');
    }
    if (r.failures.length) {
      md.push(...r.failures.map((n) => `- **Failure:** ${n.split('\n')[0]}`));
      md.push('');
    }
  }
  md.push('## Where the CPU went');
  md.push('');
  md.push(
    'Average cores used per process group during each phase (2.0 = both cores busy). "postgres" is the backends serving the bench database; ' +
      '"other" is the rest of the machine (Postgres background processes, the kernel, and anything else running, such as another test suite). ' +
      'The last column is the average number of bench-database backends in each state, sampled every second: ' +
      '`Lock:*` means waiting for a row or transaction lock, `IO:*`/`LWLock:WAL*` waiting on the WAL, `idle in transaction` a transaction left open by its client.',
  );
  md.push('');
  md.push(
    table(
      ['Phase', 's', ...GROUPS, 'other', 'machine', 'RSS max API / worker', 'Postgres backends by state'],
      usage.map((u) => [
        u.name,
        Math.round(u.seconds),
        ...GROUPS.map((g) => (u.cpuCores[g] === undefined ? '-' : round(u.cpuCores[g]!))),
        round(u.otherCores),
        round(u.machineBusyCores),
        `${fmtMb(u.rssMaxMb.api)} / ${fmtMb(u.rssMaxMb.worker)}`,
        topStates(u),
      ]),
    ),
  );
  md.push('');
  md.push('## Machine and software');
  md.push('');
  md.push(
    table(
      ['', ''],
      [
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['RAM', `${machine.ramGb} GB`],
        ['OS', `${machine.os} (${machine.kernel})`],
        ['Node.js', machine.node],
        ['PostgreSQL', `${machine.postgres.version}: ${machine.postgres.which}`],
        ['PostgreSQL settings', Object.entries(machine.postgres.settings).map(([k, v]) => `${k}=${v}`).join(', ')],
        ['Temporal', `${machine.temporal.version}: ${machine.temporal.which}`],
        ['Load average at the end', machine.loadAverageAtEnd.join(' ')],
      ],
    ),
  );
  md.push('');
  md.push('## Engine configuration');
  md.push('');
  md.push(
    (opts.topology === 'start'
      ? 'Topology `start` (the default): the engine runs as `npm start` runs it, its launcher (`src/main/start.ts`, pointed at the stack above by `DATABASE_URL` and `TEMPORAL_ADDRESS`) starting the API and the worker as its own children and relaying their logs. '
      : 'Topology `prod`: the benchmark starts the API and the worker itself, as production does. ') +
    `The API (\`src/main/api.ts\`) and the worker (\`src/main/worker.ts\`, with the outbox dispatcher) run as two child processes (${opts.compiled ? '`node dist/src/main/*.js`, compiled by `npm run build` as in the Docker image' : '`node --import tsx`, from the TypeScript sources (`--tsx`)'}; the worker with \`${WORKER_NODE_FLAGS.join(' ')}\` and \`${Object.entries(WORKER_PROCESS_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}\` as every launcher runs it, \`src/main/engine-runtime.ts\`), ` +
      'configured by environment with every other setting at its default (`src/config.ts`): ' +
      Object.entries(input.engineBaseEnv)
        .filter(([k]) => !['API_KEY', 'SECRET_ENCRYPTION_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS'].includes(k))
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(', ') +
      ', a generated `API_KEY` and `SECRET_ENCRYPTION_KEY`, and `DATABASE_URL` / `TEMPORAL_ADDRESS` of the stack above. Per scenario:',
  );
  md.push('');
  for (const r of results) {
    md.push(`- ${r.name}: ${Object.keys(r.engineEnv).length ? Object.entries(r.engineEnv).map(([k, v]) => `\`${k}=${v}\``).join(', ') : 'defaults'}`);
  }
  if (process.env.BENCH_ENGINE_ENV?.trim()) {
    md.push(`- every scenario, from \`BENCH_ENGINE_ENV\` (these win): \`${process.env.BENCH_ENGINE_ENV.trim()}\``);
  }
  if (process.env.BENCH_NODE_FLAGS?.trim()) md.push(`- engine processes run with \`node ${process.env.BENCH_NODE_FLAGS.trim()}\``);
  md.push('');
  md.push(
    `Run options: duration ${opts.durationS} s and warm-up ${opts.warmupS} s per measured step; ingest rates ${opts.ingestRates.join(', ')} then doubling up to ${opts.ingestMaxRate}; ` +
      `e2e light ${opts.e2eLightRate} deliveries/s, load ${opts.e2eRate1} events/s (fan-out 1) and ${opts.e2eRate10} events/s (fan-out 10); ` +
      `failing ${opts.failRate} events/s with a ${opts.outageS} s outage; memory ${opts.memoryPending} deliveries; Temporal limit ${opts.temporalRuns} runs, ${opts.temporalConcurrency} at a time; ` +
      `HTTP limit concurrency ${opts.httpConcurrency}. Between scenarios the benchmark waits until no delivery is pending and the Temporal server is quiet (below 0.1 core over 2 s), then runs \`VACUUM ANALYZE\`.`,
  );
  md.push('');
  if (failures.length) {
    md.push('## Failures');
    md.push('');
    md.push(...failures.map((x) => `- ${x.split('\n')[0]}`));
    md.push('');
  }
  md.push('See [bench/README.md](../README.md) for what each scenario does and what the numbers mean.');
  md.push('');

  const json = {
    startedAt: input.startedAt.toISOString(),
    wallSeconds: Math.round(wallS),
    smoke: opts.smoke,
    passed: failures.length === 0,
    failures,
    options: opts,
    machine,
    engine: { baseEnv: Object.fromEntries(Object.entries(input.engineBaseEnv).filter(([k]) => !['API_KEY', 'SECRET_ENCRYPTION_KEY'].includes(k))) },
    headline: Object.fromEntries(headline.map(([k, v]) => [k.replace(/\*/g, ''), v.replace(/\*/g, '')])),
    scenarios: Object.fromEntries(
      results.map((r) => [r.name, { title: r.title, durationS: round(r.durationS), engineEnv: r.engineEnv, notes: r.notes, failures: r.failures, data: r.data, usage: r.usage.map(roundUsage) }]),
    ),
    lost: lostTotal,
    duplicated: dupTotal,
  };
  const dir = opts.outDir;
  for (const c of input.charts) writeAtomic(path.join(dir, `${stamp}-${c.file}.svg`), c.svg);
  const mdText = md.join('\n');
  const jsonText = `${JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  const mdFile = path.join(dir, `${stamp}.md`);
  writeAtomic(mdFile, mdText);
  writeAtomic(path.join(dir, `${stamp}.json`), jsonText);
  writeAtomic(path.join(dir, 'latest.md'), mdText);
  writeAtomic(path.join(dir, 'latest.json'), jsonText);
  return { md: mdFile, json: path.join(dir, `${stamp}.json`) };
}

function sumRuns(data: Record<string, unknown>, key: 'lost' | 'duplicated'): number {
  const runs = (data.runs as Array<Record<string, number>> | undefined) ?? [];
  return runs.reduce((a, r) => a + (r[key] ?? 0), 0) + (typeof data[key] === 'number' ? (data[key] as number) : 0);
}

function topStates(u: PhaseUsage): string {
  if (!u.pgStates) return '-';
  return Object.entries(u.pgStates)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function roundUsage(u: PhaseUsage) {
  const r = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
  return { ...u, seconds: round(u.seconds), cpuCores: r(u.cpuCores), machineBusyCores: round(u.machineBusyCores), otherCores: round(u.otherCores), rssMaxMb: r(u.rssMaxMb) };
}
