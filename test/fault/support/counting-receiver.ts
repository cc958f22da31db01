/**
 * A real HTTP receiver on 127.0.0.1 that counts what it gets per delivery: the request path (one
 * per webhook) and the `webhook-id` header (the event id, the same on every retry). It can go down
 * (connections refused, open ones cut) and come back on the same port.
 *
 * A request the receiver decides to answer with a 2xx is a "take": the receiver has the event and
 * would process it. A second take of the same delivery is a duplicate, and the receiver knows why:
 * the earlier take's answer never reached the engine (the connection was cut first), or it did,
 * and the engine sent it again anyway.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Decision {
  status: number;
  /**
   * Hold the answer (a request "on the wire") until `release()`, or at most this long. A test
   * releases them once its fault is in place, so the timing does not depend on the machine's load.
   */
  holdMs?: number;
}

export interface Incoming {
  path: string;
  id: string;
  /** This request's number for its delivery, 1-based. */
  nth: number;
  /** The parsed JSON body (`data` holds the event's data). */
  body: { data?: Record<string, unknown> } & Record<string, unknown>;
}

export type Policy = (req: Incoming) => Decision;

export interface RequestRecord {
  at: number;
  status: number;
  /** true: the answer was written; false: the connection was cut before; undefined: still held. */
  answered?: boolean;
  /** When the answer was written. */
  answeredAt?: number;
}

export class CountingReceiver {
  /** `${path} ${webhook-id}` → every request for that delivery, in order. */
  readonly deliveries = new Map<string, RequestRecord[]>();
  private server?: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<() => void>();

  constructor(private policy: Policy = () => ({ status: 200 })) {}

  static key(path: string, id: string): string {
    return `${path} ${id}`;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
  }

  /** Requests being held right now. */
  holding(): number {
    return this.held.size;
  }

  /** Answers every held request now; returns how many. */
  release(): number {
    const all = [...this.held];
    for (const answer of all) answer();
    return all.length;
  }

  /** Deliveries answered with a 2xx at least once. */
  delivered(): Set<string> {
    const out = new Set<string>();
    for (const [key, reqs] of this.deliveries) if (reqs.some((r) => r.status < 300 && r.answered)) out.add(key);
    return out;
  }

  /** Requests answered (any status) between `from` and `to`. */
  answeredBetween(from: number, to: number): number {
    let n = 0;
    for (const reqs of this.deliveries.values()) for (const r of reqs) if (r.answeredAt && r.answeredAt >= from && r.answeredAt <= to) n++;
    return n;
  }

  requestCount(): number {
    let n = 0;
    for (const reqs of this.deliveries.values()) n += reqs.length;
    return n;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection: new requests are refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.down();
  }

  private handle(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const path = (req.url ?? '/').split('?')[0]!;
      const key = CountingReceiver.key(path, id);
      const list = this.deliveries.get(key) ?? [];
      this.deliveries.set(key, list);
      let body: Incoming['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // not JSON: the policy sees an empty body
      }
      const decision = this.policy({ path, id, nth: list.length + 1, body });
      const record: RequestRecord = { at: Date.now(), status: decision.status };
      list.push(record);
      let done = false;
      const answer = () => {
        if (done) return;
        done = true;
        this.held.delete(answer);
        if (res.destroyed || res.socket?.destroyed) {
          record.answered = false;
          return;
        }
        res.writeHead(decision.status, { 'content-type': 'text/plain' });
        res.end(decision.status < 300 ? 'ok' : 'not now');
        record.answered = true;
        record.answeredAt = Date.now();
      };
      if (!decision.holdMs) return answer();
      this.held.add(answer);
      // The engine gave up on the request (worker killed, timeout): the answer can never arrive.
      res.once('close', () => {
        if (!res.writableFinished) answer();
      });
      const t = setTimeout(() => {
        this.timers.delete(t);
        answer();
      }, decision.holdMs);
      this.timers.add(t);
    });
  }
}
