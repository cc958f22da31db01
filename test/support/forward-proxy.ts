import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/devtools/free-port';
import { waitFor } from './wait-for';

export const TINYPROXY = process.env.TINYPROXY_PATH ?? '/usr/bin/tinyproxy';

export interface ForwardProxyOptions {
  /** Ports CONNECT may reach (tinyproxy allows only 443 and 563 by default). */
  connectPorts: number[];
  /** Outgoing connections to targets bind here (tinyproxy's `Bind`). */
  bind?: string;
  /** Require these credentials (tinyproxy's `BasicAuth`). */
  basicAuth?: { user: string; password: string };
}

/**
 * Debian's tinyproxy on a loopback port, with its own config, log and pid file in a temp dir:
 * a real forward proxy between the worker and the receivers. `stop()` ends it; `start()` again
 * brings it back on the same port.
 */
export class ForwardProxy {
  private child?: ChildProcess;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly opts: ForwardProxyOptions,
  ) {}

  static async start(opts: ForwardProxyOptions): Promise<ForwardProxy> {
    if (!existsSync(TINYPROXY)) throw new Error(`${TINYPROXY} is missing: apt-get install tinyproxy (.ci/run installs it)`);
    const proxy = new ForwardProxy(await freePort(), await mkdtemp(path.join(tmpdir(), 'hookline-proxy-')), opts);
    await proxy.start();
    return proxy;
  }

  get url(): string {
    const auth = this.opts.basicAuth ? `${encodeURIComponent(this.opts.basicAuth.user)}:${encodeURIComponent(this.opts.basicAuth.password)}@` : '';
    return `http://${auth}127.0.0.1:${this.port}`;
  }

  private get logFile(): string {
    return path.join(this.dir, 'tinyproxy.log');
  }

  /** The proxy's log so far. */
  async log(): Promise<string> {
    return existsSync(this.logFile) ? readFile(this.logFile, 'utf8') : '';
  }

  /** Each CONNECT the proxy logged, as `host:port`. */
  async connects(): Promise<string[]> {
    return [...(await this.log()).matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((m) => m[1]!);
  }

  async start(): Promise<void> {
    const conf = [
      'User nobody',
      'Group nogroup',
      `Port ${this.port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${this.logFile}"`,
      'LogLevel Info',
      `PidFile "${path.join(this.dir, 'tinyproxy.pid')}"`,
      'MaxClients 50',
      'Allow 127.0.0.1',
      'Allow 127.0.0.0/8',
      'DisableViaHeader Yes',
      ...this.opts.connectPorts.map((p) => `ConnectPort ${p}`),
      ...(this.opts.bind ? [`Bind ${this.opts.bind}`] : []),
      ...(this.opts.basicAuth ? [`BasicAuth ${this.opts.basicAuth.user} ${this.opts.basicAuth.password}`] : []),
    ];
    const confFile = path.join(this.dir, 'tinyproxy.conf');
    await writeFile(confFile, `${conf.join('\n')}\n`);
    // tinyproxy drops to nobody: its log (in a dir it can enter) must be writable to it.
    await chmod(this.dir, 0o755);
    await writeFile(this.logFile, '', { flag: 'a' });
    await chmod(this.logFile, 0o666);
    const child = spawn(TINYPROXY, ['-d', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    await waitFor(() => child.exitCode === null && accepts(this.port), {
      timeoutMs: 10_000,
      message: `tinyproxy listening on 127.0.0.1:${this.port}`,
      progress: () => this.output.slice(-500),
    });
  }

  /** Ends the proxy and waits until its port refuses connections. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await waitFor(async () => !(await accepts(this.port)), { timeoutMs: 5_000, message: `127.0.0.1:${this.port} closed` });
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
