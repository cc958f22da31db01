/** The engine's REST API as a fault test uses it: plain fetch, every outcome kept (no throwing on errors). */
import type { FaultStack } from './fault-stack';

export type PublishOutcome =
  /** 202: the event and its deliveries are stored. */
  | { kind: 'accepted'; status: 202; eventId: string; replayed: boolean; ms: number }
  /** Another HTTP answer (503 while Postgres is down...). */
  | { kind: 'answered'; status: number; body: unknown; ms: number }
  /** The request reached the API, which never answered (killed mid-request). */
  | { kind: 'no-answer'; error: string; ms: number }
  /** The connection was refused: the API was not there, so the request never reached it. */
  | { kind: 'refused'; error: string; ms: number };

export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  idempotency_key?: string;
}

function headers(stack: FaultStack) {
  return { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
}

export async function createWebhook(stack: FaultStack, url: string, events: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/webhooks`, {
    method: 'POST',
    headers: headers(stack),
    body: JSON.stringify({ name: `fault ${url}`, url, events, ...extra }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

export async function publish(stack: FaultStack, input: EventInput, timeoutMs = 30_000): Promise<PublishOutcome> {
  const started = Date.now();
  try {
    const res = await fetch(`${stack.apiUrl}/v1/events`, {
      method: 'POST',
      headers: headers(stack),
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text, which a test may assert against
    }
    const ms = Date.now() - started;
    if (res.status === 202) {
      const replayed = res.headers.get('idempotent-replayed') === 'true';
      return { kind: 'accepted', status: 202, eventId: (body as { id: string }).id, replayed, ms };
    }
    return { kind: 'answered', status: res.status, body, ms };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const error = cause?.code ?? cause?.message ?? (err as Error).message;
    const ms = Date.now() - started;
    return error === 'ECONNREFUSED' ? { kind: 'refused', error, ms } : { kind: 'no-answer', error, ms };
  }
}

/** Publishes every input, `concurrency` at a time; outcomes in input order. */
export async function publishAll(
  stack: FaultStack,
  inputs: EventInput[],
  concurrency = 8,
  onOutcome?: (o: PublishOutcome, i: number) => void,
): Promise<PublishOutcome[]> {
  const out: PublishOutcome[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, inputs.length) }, async () => {
      while (next < inputs.length) {
        const i = next++;
        out[i] = await publish(stack, inputs[i]!);
        onOutcome?.(out[i]!, i);
      }
    }),
  );
  return out;
}

export async function apiGet(stack: FaultStack, path: string, timeoutMs = 30_000): Promise<{ status: number; body: unknown; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${stack.apiUrl}${path}`, { headers: headers(stack), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body, ms: Date.now() - started };
}
