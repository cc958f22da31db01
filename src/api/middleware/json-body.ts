import type { Middleware } from 'koa';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body; undefined when the request had none. */
    body?: unknown;
  }
}

/**
 * Reads a JSON request body of at most `limit` bytes. Requests that carry a
 * body must say `Content-Type: application/json`; a body that is not valid
 * JSON is a 400 with the parser's reason.
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
    if (declared !== undefined && declared > limit) throw tooLarge(limit);
    const raw = await readBody(ctx.req, limit);
    // PostgreSQL text cannot hold NUL, so it is refused here rather than failing deep inside.
    if (raw.includes('\u0000') || raw.includes('\\u0000')) {
      throw new BadRequestError('Request body must not contain NUL characters (\\u0000)', 'invalid_json');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new BadRequestError(`Request body is not valid JSON: ${(err as Error).message}`, 'invalid_json');
    }
    if (nestingDepth(parsed) > MAX_DEPTH) {
      throw new BadRequestError(`Request body is nested more than ${MAX_DEPTH} levels deep`, 'invalid_json');
    }
    ctx.request.body = parsed;
    return next();
  };
}

/** Deeper JSON is refused: nothing here needs it, and recursive code downstream must not overflow. */
export const MAX_DEPTH = 32;

/** Depth of a parsed JSON value, measured without recursion. */
function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, depth + 1);
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return max;
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
