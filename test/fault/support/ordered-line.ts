/**
 * A `fifo` webhook beside a fault scenario: events carrying the numbers 1, 2, 3... are published in
 * order, and its receiver checks each request against the last one it accepted. The next number
 * is in order; the same number again is a duplicate (at-least-once: an answer lost with a killed
 * process); anything else is out of order or a gap, and fails the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createWebhook, publish } from './engine-client';
import type { FaultStack } from './fault-stack';
import { hold, waitUntil } from './wait';

export class OrderedLine {
  /** Numbers accepted (answered 200), in the order they were accepted. */
  readonly accepted: number[] = [];
  /** Every request that broke the order: `got n after m`. */
  readonly violations: string[] = [];
  duplicates = 0;
  published = 0;
  /** How many were accepted when the fault struck. */
  private acceptedAtFault?: number;
  private server?: Server;
  private readonly keyPrefix = randomBytes(4).toString('hex');

  constructor(
    private readonly stack: FaultStack,
    readonly eventType: string,
    /** Each answer waits this long, so the line is still going when the fault strikes. */
    private readonly answerDelayMs = 250,
  ) {}

  /** Starts the receiver and creates its fifo webhook. */
  async create(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const n = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { n: number } }).data.n;
        const last = this.accepted[this.accepted.length - 1] ?? 0;
        if (n === last) this.duplicates++;
        else if (n !== last + 1) this.violations.push(`got ${n} after ${last}`);
        this.accepted.push(n);
        setTimeout(() => res.writeHead(200).end('ok'), this.answerDelayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    await createWebhook(this.stack, `http://127.0.0.1:${port}/line`, [this.eventType], { ordering: 'fifo' });
  }

  /**
   * Publishes the next `count` numbers, each only once the one before it was accepted (202), retrying
   * one that was refused or unanswered (the idempotency key makes a retry the same event).
   */
  async publishNext(count: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < count; i++) {
      const n = this.published + 1;
      for (;;) {
        const o = await publish(this.stack, { type: this.eventType, data: { n }, idempotency_key: `${this.keyPrefix}-${n}` }, 10_000);
        if (o.kind === 'accepted') break;
        if (Date.now() > deadline) throw new Error(`event ${n} of the ordered line was never accepted: ${JSON.stringify(o)}`);
        await hold(250);
      }
      this.published = n;
    }
  }

  /** Waits until every published number was accepted. */
  async waitComplete(timeoutMs: number): Promise<void> {
    await waitUntil(() => new Set(this.accepted).size >= this.published, {
      timeoutMs,
      message: `the ordered line's ${this.published} events`,
      progress: () => `${new Set(this.accepted).size} accepted`,
    });
  }

  /** Notes how far the line had got when the fault struck. */
  faultStruck(): void {
    this.acceptedAtFault = new Set(this.accepted).size;
  }

  /** What the report says of the line. */
  summary(): string {
    const atFault = this.acceptedAtFault === undefined ? '' : ` (${this.acceptedAtFault} when the fault struck)`;
    return `ordered (fifo) line: ${this.published} published${atFault}, ${new Set(this.accepted).size} accepted in order, ${this.duplicates} repeated, ${this.violations.length} out of order${this.violations.length ? ` (${this.violations.slice(0, 5).join('; ')})` : ''}`;
  }

  /** In order, complete: 1..published, each after the one before. */
  check(): void {
    expect(this.violations).toEqual([]);
    expect([...new Set(this.accepted)]).toEqual(Array.from({ length: this.published }, (_, i) => i + 1));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
