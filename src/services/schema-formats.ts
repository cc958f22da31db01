import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { compileLinear } from '../util/linear-regexp';

/**
 * The JSON Schema `format`s event schemas may use: ajv-formats' full set,
 * with every regular expression run on the linear-time engine. The three
 * whose patterns need lookahead (`duration`, `hostname`, `url`) are checked
 * by code instead, to the same rules.
 */
export function linearFormats(): Record<string, Format> {
  shared ??= buildFormats();
  return shared;
}

let shared: Record<string, Format> | undefined;

function buildFormats(): Record<string, Format> {
  const formats: Record<string, Format> = {
    duration: { type: 'string', validate: isDuration },
    hostname: { type: 'string', validate: isHostname },
    url: { type: 'string', validate: isUrl },
  };
  for (const [name, format] of Object.entries(fullFormats)) {
    if (name in formats) continue;
    if (format instanceof RegExp) {
      const linear = compileLinear(format.source, format.flags);
      formats[name] = { type: 'string', validate: (value: string) => linear.test(value) };
    } else formats[name] = format as Format;
  }
  return formats;
}

const DURATION = compileLinear('^P(?:(?:\\d+Y)?(?:\\d+M)?(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+S)?)?|\\d+W)$');
const DIGIT = compileLinear('^\\d');

/** RFC 3339 appendix A: at least one part, and a `T` only before a time part. */
function isDuration(value: string): boolean {
  if (value === 'P' || !DURATION.test(value)) return false;
  const t = value.indexOf('T');
  return t === -1 || DIGIT.test(value.slice(t + 1));
}

const LABEL = compileLinear('^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', 'i');

/** RFC 1123 host name: at most 253 characters, dot-separated labels of at most 63, an optional final dot. */
function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 254) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

/** An absolute http, https or ftp URL with a host, by the WHATWG URL parser. */
function isUrl(value: string): boolean {
  if (value.length > 8192 || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'ftp:'].includes(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}
