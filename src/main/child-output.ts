/**
 * The one log stream `npm start` shows: every line of its engine processes,
 * written by the launcher with the process it came from. JSON log lines keep
 * being JSON, with a `process` field ("api" or "worker"); on a terminal they
 * are made readable (pino-pretty, a dev dependency) behind an `api |` or
 * `worker |` tag; any other line gets the tag alone.
 */
import type { EngineRole } from './engine-runtime';

export type LineFormatter = (role: EngineRole, line: string) => string;

const TAG_WIDTH = 'worker'.length;

export function childLineFormatter(opts: { pretty: boolean }): LineFormatter {
  const pretty = opts.pretty ? loadPrettifier() : undefined;
  return (role, line) => {
    const tag = `${role.padEnd(TAG_WIDTH)} |`;
    if (!line.startsWith('{')) return `${tag} ${line}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return `${tag} ${line}`;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `${tag} ${line}`;
    if (pretty) return `${tag} ${pretty(parsed).trimEnd()}`;
    return JSON.stringify({ process: role, ...parsed });
  };
}

function loadPrettifier(): ((record: object) => string) | undefined {
  try {
    const { prettyFactory } = require('pino-pretty') as { prettyFactory(o: object): (record: object) => string };
    return prettyFactory({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    // Not installed (production image): JSON with its process.
    return undefined;
  }
}
