/**
 * Local webhook receivers: node:http servers on 127.0.0.1. Each request's
 * arrival time is compared with `data.sent_at` in its body (set by the load
 * generator just before it published the event, on the same clock), and
 * deliveries are counted per (route, webhook-id) to find duplicates and losses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class RouteStats {
  /** Every request, whatever was answered. */
  requests = 0;
  /** Request arrival times (ms epoch), for attempts per second. */
  readonly requestTimes: number[] = [];
  readonly answered = new Map<number, number>();
  /** 2xx answers per webhook-id: 1 is a delivery, more is a duplicate. */
  readonly delivered = new Map<string, number>();
  /** First 2xx arrival per delivery: arrival time and end-to-end latency. */
  readonly arrivals: number[] = [];
  readonly latencies: number[] = [];
  /** Distinct webhook-ids seen at all (any answer). */
  readonly seen = new Set<string>();
  lastDeliveryAt = 0;
  duplicates = 0;

  deliveredInWindow(from: number, to: number): number {
    let n = 0;
    for (const t of this.arrivals) if (t >= from && t < to) n++;
    return n;
  }

  latenciesInWindow(from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.arrivals.length; i++) {
      const t = this.arrivals[i]!;
      if (t >= from && t < to) out.push(this.latencies[i]!);
    }
    return out;
  }

  requestsInWindow(from: number, to: number): number {
    let n = 0;
    for (const t of this.requestTimes) if (t >= from && t < to) n++;
    return n;
  }
}

/** Decides the status code for a request on a route (and, where it matters, for which event: its `webhook-id`). */
export type Behaviour = (route: string, eventId: string) => number;

export class Receiver {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  readonly routes = new Map<string, RouteStats>();
  port = 0;
  /** Whether the request's `data.sent_at` is read (off for the memory scenario's failing receiver). */
  parseBodies = true;

  constructor(private behaviour: Behaviour = () => 200) {}

  setBehaviour(b: Behaviour): void {
    this.behaviour = b;
  }

  stats(route: string): RouteStats {
    let s = this.routes.get(route);
    if (!s) {
      s = new RouteStats();
      this.routes.set(route, s);
    }
    return s;
  }

  url(route: string): string {
    return `http://127.0.0.1:${this.port}${route}`;
  }

  /** Listens on `port` (0: any free port, kept for later restarts). */
  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    // A receiver in production keeps connections open for a while (nginx: 75 s).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Stops listening and drops open connections: the receiver is down (connection refused). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivedAt = Date.now();
    const route = (req.url ?? '/').split('?')[0]!;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const stats = this.stats(route);
      const id = String(req.headers['webhook-id'] ?? '');
      const status = this.behaviour(route, id);
      stats.requests++;
      stats.requestTimes.push(arrivedAt);
      stats.answered.set(status, (stats.answered.get(status) ?? 0) + 1);
      stats.seen.add(id);
      if (status >= 200 && status < 300) {
        const n = (stats.delivered.get(id) ?? 0) + 1;
        stats.delivered.set(id, n);
        if (n === 1) {
          let sentAt = NaN;
          if (this.parseBodies) {
            try {
              sentAt = Number(JSON.parse(Buffer.concat(chunks).toString('utf8'))?.data?.sent_at);
            } catch {
              // not a bench payload
            }
          }
          stats.arrivals.push(arrivedAt);
          stats.latencies.push(Number.isFinite(sentAt) ? arrivedAt - sentAt : NaN);
          stats.lastDeliveryAt = arrivedAt;
        } else {
          stats.duplicates++;
        }
      }
      res.writeHead(status, { 'content-length': '0' });
      res.end();
    });
  }
}
