/**
 * Waiting with deadlines (the idea of test/support/wait-for.ts). A fault test waits on conditions;
 * the only plain pause is the fault itself ("down for N seconds"), which `hold` names.
 */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs, intervalMs = 200, message, progress }: { timeoutMs: number; intervalMs?: number; message: string; progress?: () => string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${message}${progress ? ` (${progress()})` : ''}${last ? `; last error: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The fault's own duration: a component stays down this long. */
export function hold(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
