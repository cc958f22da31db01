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
    try {
      ctx.request.body = JSON.parse(raw);
    } catch (err) {
      throw new BadRequestError(`Request body is not valid JSON: ${(err as Error).message}`, 'invalid_json');
    }
    return next();
  };
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
