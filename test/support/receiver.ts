import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait-for';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The headers as they came, names in their case, in order: name, value, name, value, ... */
  rawHeaders: string[];
  body: string;
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt: number;
  /** The peer address the request came from (the worker's, or a proxy's). */
  remoteAddress: string;
}

/** A header of a received request by name, in any case; repeated ones joined with a comma. */
export function headerOf(req: ReceivedRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Constant-time comparison of two strings, as a receiver compares signatures. */
export const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as it is: a Buffer byte for byte. */
  body?: string | Buffer;
  /** Hold the answer this long (to trigger timeouts). */
  delayMs?: number;
}

/** Decides the reply to the n-th request (1-based). */
export type Responder = (n: number, req: ReceivedRequest) => Reply;

/** A real HTTP endpoint on 127.0.0.1 that records what it receives. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private server?: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private responder: Responder = () => ({ status: 200, body: 'ok' })) {}

  static async start(responder?: Responder): Promise<Receiver> {
    const r = new Receiver(responder);
    await r.listen();
    return r;
  }

  /** Answers the n-th request with replies[n-1], repeating the last one. */
  static sequence(...replies: Reply[]): Responder {
    return (n) => replies[Math.min(n, replies.length) - 1]!;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hook`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  async waitForRequests(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    await waitFor(() => this.requests.length >= count, {
      timeoutMs,
      message: `${count} request(s) at ${this.url} (got ${this.requests.length})`,
    });
    return this.requests.slice(0, count);
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
          remoteAddress: req.socket.remoteAddress ?? '',
        };
        this.requests.push(received);
        const reply = this.responder(this.requests.length, received);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            send();
          }, reply.delayMs);
          this.timers.add(t);
        } else send();
      });
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The receivers a test file starts, stopped together in its `afterAll`. */
export class Receivers {
  private readonly started: Receiver[] = [];

  async start(responder?: Responder): Promise<Receiver> {
    const receiver = await Receiver.start(responder);
    this.started.push(receiver);
    return receiver;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((r) => r.stop()));
  }
}
