import pino from 'pino';
import type { LogConfig } from './config';

/** Structured logs: one JSON object per line (pino), errors with their stack, secrets redacted. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';

/** Fields whose values never reach a log line, at any depth. */
const SENSITIVE_KEY = /authorization|cookie|secret|password|passphrase|api[-_]?key|token|signature|private[-_]?key/i;
/** Values that look like credentials this engine issues, wherever they appear in text. */
const SENSITIVE_VALUE = /\b(whsec_[A-Za-z0-9+/=]+|hk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]+|Bearer\s+\S+)/g;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SENSITIVE_VALUE, '[redacted]');
  if (value instanceof Error) return { message: redact(value.message), stack: redact(value.stack) };
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SENSITIVE_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}

/** On a terminal, unless `format.json`, pino-pretty (a dev dependency) makes lines readable; elsewhere, JSON. */
function destination(format: LogConfig): pino.DestinationStream {
  if (process.stderr.isTTY && !format.json) {
    try {
      require.resolve('pino-pretty');
      return pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } });
    } catch {
      // Not installed (production image): plain JSON.
    }
  }
  return pino.destination({ dest: 2, sync: false });
}

/** One stderr stream per format, shared by every logger of the process. */
const shared = new Map<boolean, pino.DestinationStream>();
function stderr(format: LogConfig): pino.DestinationStream {
  let stream = shared.get(format.json);
  if (!stream) shared.set(format.json, (stream = destination(format)));
  return stream;
}

/** Where lines go: stderr in the configured format, or each line to a function (tests). */
export type LogOutput = LogConfig | ((line: string) => void);

/**
 * A logger for one component. Entry points pass `config.log`; without an
 * output, lines go to stderr as JSON.
 */
export function createLogger(component: string, level: LogLevel = 'info', output: LogOutput = { json: true }): Logger {
  const stream = typeof output === 'function' ? { write: output } : stderr(output);
  const log = pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  const write = (lvl: 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) =>
    log[lvl](redact(fields ?? {}) as object, redact(msg) as string);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
