import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Arrival {
  /** Monotonic seconds, from the receiver's own clock. */
  t: number;
  /** Epoch milliseconds when it arrived. */
  wall: number;
  path: string;
  status: number;
  body: string;
}

export interface ReceiverRule {
  /** Every K-th request answers 500 (0: none). */
  fail_every?: number;
  /** These requests (1-based, over every path) answer 429 with `Retry-After: retry_after`. */
  answer_429_at?: number[];
  retry_after?: number;
}

/**
 * A receiver in its own Python process (test/support/rate_receiver.py) that stamps arrivals with a
 * monotonic clock: what a rate test counts is what the receiver saw, not what a busy jest process
 * got round to recording.
 */
export class RateReceiver {
  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
  ) {}

  static async start(): Promise<RateReceiver> {
    const child = spawn('/usr/bin/python3', [path.join(__dirname, 'rate_receiver.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve(Number(line));
      });
      child.once('exit', (code) => reject(new Error(`rate receiver exited with ${code}`)));
    });
    return new RateReceiver(child, port);
  }

  /** The URL of one webhook at this receiver; its arrivals are told apart by `name`. */
  url(name: string): string {
    return `http://127.0.0.1:${this.port}/hook/${name}`;
  }

  async setRule(rule: ReceiverRule): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/rule`, { method: 'PUT', body: JSON.stringify(rule) });
    if (res.status !== 204) throw new Error(`rule refused: ${res.status}`);
  }

  /** Every request so far, or those at one webhook's URL. */
  async arrivals(name?: string): Promise<Arrival[]> {
    const all = (await (await fetch(`http://127.0.0.1:${this.port}/log`)).json()) as Arrival[];
    return name === undefined ? all : all.filter((a) => a.path === `/hook/${name}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }
}

/** The most arrivals in any window of `windowSeconds` (each window starting at an arrival: where the maximum is). */
export function mostInAnyWindow(arrivals: Arrival[], windowSeconds: number): number {
  const t = arrivals.map((a) => a.t).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[j]! < t[i]! - windowSeconds + 1e-9) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
