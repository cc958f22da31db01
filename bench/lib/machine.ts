import os from 'node:os';
import { readFileSync } from 'node:fs';
import type { PostgresInfo, TemporalInfo } from './stack';
import { readOsRelease } from './stack';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGb: number;
  os: string;
  kernel: string;
  node: string;
  postgres: { version: string; which: string; settings: Record<string, string> };
  temporal: { version: string; which: string };
  loadAverageAtEnd: number[];
}

export async function machineInfo(pg: PostgresInfo, temporal: TemporalInfo): Promise<MachineInfo> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // keep os.cpus()
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: readOsRelease(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: { version: pg.version, which: pg.which, settings: pg.settings },
    temporal: { version: temporal.version, which: temporal.which },
    loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
