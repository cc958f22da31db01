/** A small structured logger: one JSON object per line, errors with their stack, secrets redacted. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

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

export function createLogger(
  component: string,
  level: LogLevel = 'info',
  sink: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < RANK[level]) return;
    const entry = { time: new Date().toISOString(), level: lvl, component, msg: redact(msg), ...(redact(fields ?? {}) as object) };
    sink(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
