import { waitFor } from '../../support/wait-for';

/** Waiting with deadlines: the suite's own `waitFor`, polling a little less often as faults are slow. */
export function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs: number; intervalMs?: number; message: string; progress?: () => string },
): Promise<T> {
  return waitFor(probe, { intervalMs: 200, ...opts });
}

/** The fault's own duration: a component stays down this long. The only plain pause in the suite. */
export function hold(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
