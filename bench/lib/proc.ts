/**
 * Reads /proc: resident memory (VmRSS, VmHWM) and CPU time of processes, and
 * the machine's busy time, so each scenario can say where the CPU went and
 * whether something outside the benchmark was using the machine.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100; // `getconf CLK_TCK` on Linux x86-64

export interface MemStatus {
  rssKb: number;
  hwmKb: number;
}

export function readMem(pid: number): MemStatus | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(text);
    const hwm = /VmHWM:\s+(\d+)/.exec(text);
    if (!rss || !hwm) return undefined;
    return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) };
  } catch {
    return undefined;
  }
}

/** utime + stime in seconds. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; utime is field 14, stime 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export function readComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Direct children of a process (all its threads' children). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (list) out.push(...list.split(/\s+/).map(Number));
      } catch {
        // thread gone
      }
    }
  } catch {
    // process gone
  }
  return out;
}

/** Machine-wide busy and total CPU seconds since boot (all cores). */
export function readMachineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLK_TCK, total: (busy + idle + iowait) / CLK_TCK };
}

export interface PhaseUsage {
  name: string;
  seconds: number;
  /** CPU used per group, in cores (1 = one core fully busy) averaged over the phase. */
  cpuCores: Record<string, number>;
  /** The machine's busy cores, and what is left once the groups are taken away. */
  machineBusyCores: number;
  otherCores: number;
  /** Largest sampled resident set per group during the phase, MB. */
  rssMaxMb: Record<string, number>;
  /** Average number of bench-database backends in each state (active on CPU, waiting on a lock, on I/O...). */
  pgStates?: Record<string, number>;
}

/** Counters sampled elsewhere (Postgres backend states), diffed per phase. */
export interface StateCounters {
  readonly waits: Record<string, number>;
  readonly samples: number;
}

interface Phase {
  name: string;
  start: number;
  cpu: Record<string, number>;
  rssMaxKb: Record<string, number>;
  machineStart: { busy: number; total: number };
  pgStart?: { waits: Record<string, number>; samples: number };
}

/**
 * Samples groups of processes every `everyMs`. Each group is a function
 * returning its current pids (processes may come and go, e.g. Postgres
 * backends). CPU deltas are summed per pid between samples.
 */
export class ResourceSampler {
  private readonly groups = new Map<string, () => number[]>();
  private readonly lastCpu = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private phases = new Set<Phase>();
  pgStates?: StateCounters;
  /** RSS over time (MB) of the groups named in `timelineGroups`. */
  readonly timeline: Array<{ t: number; rssMb: Record<string, number> }> = [];

  constructor(
    private readonly everyMs = 500,
    private readonly timelineGroups: string[] = [],
  ) {}

  track(name: string, pids: () => number[]): void {
    this.groups.set(name, pids);
  }

  untrack(name: string): void {
    this.groups.delete(name);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  begin(name: string): Phase {
    this.sample();
    const phase: Phase = {
      name,
      start: Date.now(),
      cpu: {},
      rssMaxKb: {},
      machineStart: readMachineCpu(),
      pgStart: this.pgStates && { waits: { ...this.pgStates.waits }, samples: this.pgStates.samples },
    };
    this.phases.add(phase);
    return phase;
  }

  end(phase: Phase): PhaseUsage {
    this.sample();
    this.phases.delete(phase);
    const seconds = (Date.now() - phase.start) / 1000;
    const m = readMachineCpu();
    const machineBusyCores = (m.busy - phase.machineStart.busy) / seconds;
    const cpuCores: Record<string, number> = {};
    let ours = 0;
    for (const [k, v] of Object.entries(phase.cpu)) {
      cpuCores[k] = v / seconds;
      ours += v / seconds;
    }
    let pgStates: Record<string, number> | undefined;
    if (this.pgStates && phase.pgStart) {
      const n = this.pgStates.samples - phase.pgStart.samples;
      if (n > 0) {
        pgStates = {};
        for (const [k, v] of Object.entries(this.pgStates.waits)) {
          const d = v - (phase.pgStart.waits[k] ?? 0);
          if (d > 0) pgStates[k] = Math.round((d / n) * 100) / 100;
        }
      }
    }
    return {
      pgStates,
      name: phase.name,
      seconds,
      cpuCores,
      machineBusyCores,
      otherCores: Math.max(0, machineBusyCores - ours),
      rssMaxMb: Object.fromEntries(Object.entries(phase.rssMaxKb).map(([k, v]) => [k, v / 1024])),
    };
  }

  private sample(): void {
    const rssNow: Record<string, number> = {};
    for (const [name, pidsOf] of this.groups) {
      let cpuDelta = 0;
      let rssKb = 0;
      let pids: number[] = [];
      try {
        pids = pidsOf();
      } catch {
        pids = [];
      }
      for (const pid of pids) {
        const cpu = readCpuSeconds(pid);
        if (cpu === undefined) continue;
        const key = `${name}:${pid}`;
        const prev = this.lastCpu.get(key);
        this.lastCpu.set(key, cpu);
        if (prev !== undefined) cpuDelta += Math.max(0, cpu - prev);
        rssKb += readMem(pid)?.rssKb ?? 0;
      }
      rssNow[name] = rssKb;
      for (const phase of this.phases) {
        phase.cpu[name] = (phase.cpu[name] ?? 0) + cpuDelta;
        phase.rssMaxKb[name] = Math.max(phase.rssMaxKb[name] ?? 0, rssKb);
      }
    }
    if (this.timelineGroups.length) {
      this.timeline.push({
        t: Date.now(),
        rssMb: Object.fromEntries(this.timelineGroups.map((g) => [g, (rssNow[g] ?? 0) / 1024])),
      });
    }
  }
}

/**
 * Waits until a process uses less than `belowCores` of CPU over `forMs`, polling each second.
 * Resolves with the time waited, or undefined when `timeoutMs` passed first (or the process is gone).
 */
export async function waitForQuietProcess(
  pid: number,
  opts: { belowCores: number; forMs: number; timeoutMs: number },
): Promise<number | undefined> {
  const started = Date.now();
  const samples: Array<{ at: number; cpu: number }> = [];
  while (Date.now() - started < opts.timeoutMs) {
    const cpu = readCpuSeconds(pid);
    if (cpu === undefined) return undefined;
    const at = Date.now();
    samples.push({ at, cpu });
    const from = samples.find((s) => at - s.at <= opts.forMs + 500 && at - s.at >= opts.forMs - 500);
    if (from && (cpu - from.cpu) / ((at - from.at) / 1000) < opts.belowCores) return at - started;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}
