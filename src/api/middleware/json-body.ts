import type { Middleware } from 'koa';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import { firstInexactNumber } from '../../util/json-fidelity';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body; undefined when the request had none. */
    body?: unknown;
  }
}

/**
 * Reads a JSON request body of at most `limit` bytes. Requests that carry a
 * body must say `Content-Type: application/json`, in UTF-8 if they name a
 * charset; a body that is not valid JSON is a 400 with the parser's reason.
 * What the engine could not keep exactly is refused, never changed: see
 * `problemWith`.
 */
export function jsonBody(limit: number): Middleware {
  return async (ctx, next) => {
    const declared = ctx.request.length;
    const hasBody = (declared !== undefined && declared > 0) || ctx.get('transfer-encoding') !== '';
    if (!hasBody) return next();
    if (!ctx.is('application/json')) {
      throw new UnsupportedMediaTypeError(
        `Content-Type must be application/json, got ${ctx.get('content-type') || 'none'}`,
      );
    }
    const charset = ctx.request.charset.toLowerCase();
    if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
      throw new UnsupportedMediaTypeError(`Request bodies must be UTF-8; this one says charset=${charset}`);
    }
    if (declared !== undefined && declared > limit) throw tooLarge(limit);
    const raw = await readBody(ctx.req, limit);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new BadRequestError(`Request body is not valid JSON: ${(err as Error).message}`, 'invalid_json');
    }
    const problem = problemWith(parsed) ?? inexactNumber(raw);
    if (problem) throw new BadRequestError(`Request body ${problem}`, 'invalid_json');
    ctx.request.body = parsed;
    return next();
  };
}

/** Deeper JSON is refused: nothing here needs it, and recursive code downstream must not overflow. */
export const MAX_DEPTH = 32;

/**
 * Why a parsed body cannot be taken as it is, walked without recursion:
 * - nested deeper than MAX_DEPTH;
 * - a NUL character (U+0000) in a string or key: PostgreSQL text cannot hold it;
 * - a lone UTF-16 surrogate (`"\ud800"`), which has no UTF-8 form;
 * - a `__proto__` key, which JavaScript objects do not keep as data.
 */
function problemWith(value: unknown): string | undefined {
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, at] = stack.pop()!;
    if (typeof v === 'string') {
      const p = stringProblem(v);
      if (p) return `${p} at ${at || '/'}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_DEPTH) return `is nested more than ${MAX_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(v as object)) {
      const path = `${at}/${key}`;
      if (key === '__proto__') return `must not contain a "__proto__" key (at ${at || '/'})`;
      const p = stringProblem(key);
      if (p) return `${p} in a key at ${at || '/'}`;
      stack.push([child, depth + 1, path]);
    }
  }
  return undefined;
}

/** In `u` mode a pair is one code point, so only an unpaired surrogate is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain lone UTF-16 surrogates';
  return undefined;
}

function inexactNumber(raw: string): string | undefined {
  const literal = firstInexactNumber(raw);
  if (literal === undefined) return undefined;
  return `has the number ${literal.slice(0, 40)}, which would not be kept exactly (numbers are IEEE 754 doubles); send it as a string`;
}

const tooLarge = (limit: number) => new PayloadTooLargeError(`Request body exceeds the limit of ${limit} bytes`);

async function readBody(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const buffer = Buffer.concat(chunks);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return text.decode(buffer);
  } catch {
    throw new BadRequestError('Request body is not valid UTF-8', 'invalid_json');
  }
}
