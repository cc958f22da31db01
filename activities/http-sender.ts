import { request } from 'undici';
import { UnsafeTargetError, type TargetPolicy } from '../src/security/target-policy';
import type { AttemptOutcome } from './classify-response';
import { storableText, storedResponseBody } from './response-body';
import type { WireHeader } from '../src/domain/delivery-request';
import { boundedResponseHeaders, wireRequestHeaders } from './wire-headers';
import { ProxyUnavailableError } from './egress-connector';
import { createDispatchers, type DispatcherFor, type EgressSettings, type TlsMaterial } from './egress-dispatchers';

export interface OutgoingRequest {
  url: string;
  /** In the order they are written, after the client's own `host` and `connection`. */
  headers: readonly WireHeader[];
  body: string;
  timeoutMs: number;
  /** The tenant's own proxy, over EGRESS_PROXY_URL; undefined: the configured one. */
  proxyUrl?: string;
  /** The webhook's TLS material (`mtls` auth): a pinned CA, a client certificate and key. */
  tls?: TlsMaterial;
}


/** What went over the wire, for the attempt's record. */
export interface SentExchange {
  /** The request headers as written; null when nothing was sent (refused before connecting). */
  requestHeaders: WireHeader[] | null;
  /** The answer's headers, bounded (activities/wire-headers.ts); null without an answer. */
  responseHeaders: WireHeader[] | null;
  responseHeadersTruncated: boolean;
}

export type SendResult = AttemptOutcome & { durationMs: number; responseBody: string | null } & SentExchange;

/** The record of a request refused before anything was sent. */
export const NOTHING_SENT: SentExchange = { requestHeaders: null, responseHeaders: null, responseHeadersTruncated: false };

/** Sends one POST; never throws for a receiver's fault, it reports it. */
export type HttpSender = (req: OutgoingRequest) => Promise<SendResult>;

/**
 * Response bodies are kept for inspection, but only this many bytes of them are read, and stored in
 * the safe form of activities/response-body.ts.
 */
export const RESPONSE_BODY_LIMIT = 4096;

/**
 * Sends with keep-alive connections. Every socket's address comes from the
 * policy's lookup, so the address checked is the address connected to; behind
 * a proxy, that address is the one the CONNECT names (activities/egress-connector.ts).
 */
export function createHttpSender(policy: TargetPolicy, egress: EgressSettings = {}, dispatchers: DispatcherFor = createDispatchers(policy, egress)): HttpSender {
  return async ({ url, headers, body, timeoutMs, proxyUrl, tls }) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // A timer cleared as soon as the attempt ends, not AbortSignal.timeout: that one lives until it
    // fires, and with it the attempt's async context (the activity and its buffers), so memory grew
    // with attempts per second times the time limit.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const signal = deadline.signal;
    let requestHeaders: WireHeader[] | null = null;
    try {
      policy.checkUrlSyntax(url);
      const wire = wireRequestHeaders(url, headers, body);
      const dispatcher = dispatchers(proxyUrl, tls);
      // undici's request() never follows redirects: a 3xx comes back as it is. It writes `host` and
      // `connection` itself, and `content-length`: only the headers between go in.
      const pending = request(url, { method: 'POST', headers: headers.flat(), body, signal, dispatcher });
      requestHeaders = wire;
      const res = await pending;
      const answered = boundedResponseHeaders(res.headers);
      const { bytes, truncated } = await readLimited(res.body, RESPONSE_BODY_LIMIT);
      const responseBody = storedResponseBody({
        bytes,
        truncated,
        contentType: first(res.headers['content-type']),
        contentEncoding: first(res.headers['content-encoding']),
      });
      return {
        kind: 'response',
        statusCode: res.statusCode,
        retryAfter: first(res.headers['retry-after']),
        durationMs: elapsed(),
        responseBody,
        requestHeaders: wire,
        responseHeaders: answered.headers,
        responseHeadersTruncated: answered.truncated,
      };
    } catch (err) {
      const unsafe = unsafeTarget(err);
      // The policy refuses an address before connecting: nothing was sent.
      if (unsafe) return { kind: 'blocked', reason: unsafe, durationMs: elapsed(), responseBody: null, ...NOTHING_SENT };
      // Refused at the proxy: nothing reached the receiver.
      const sent = proxyFailure(err) ? NOTHING_SENT : { requestHeaders, responseHeaders: null, responseHeadersTruncated: false };
      if (signal.aborted) return { kind: 'timeout', timeoutMs, durationMs: elapsed(), responseBody: null, ...sent };
      return { kind: 'connection_error', message: describeError(err), durationMs: elapsed(), responseBody: null, ...sent };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Up to `limit` bytes of the body, and whether more came: reading stops once more than `limit` have. */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return { bytes: Buffer.concat(chunks).subarray(0, limit), truncated: size > limit };
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function describeError(err: unknown): string {
  const proxy = proxyFailure(err);
  if (proxy) return storableText(proxy);
  // Duck-typed: errors may come from another realm (e.g. a test sandbox), where instanceof fails.
  const e = (typeof err === 'object' && err !== null ? err : {}) as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  // Stored as the attempt's error: it may quote what the receiver sent.
  return storableText(code && !message.includes(code) ? `${code}: ${message}` : message);
}

/** The policy's refusal, wherever undici wrapped it. */
function unsafeTarget(err: unknown): string | undefined {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof UnsafeTargetError || e.code === 'ERR_UNSAFE_TARGET') return e.message;
  }
  return undefined;
}

/** The proxy's failure, wherever undici wrapped it. */
function proxyFailure(err: unknown): string | undefined {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof ProxyUnavailableError || e.code === 'proxy_unavailable') return e.message;
  }
  return undefined;
}
