/**
 * Polls `probe` until it returns a value other than undefined/false, or fails
 * with `message` after `timeoutMs`. Tests wait on conditions, never on sleeps.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 20_000,
    intervalMs = 50,
    message = 'condition',
    progress,
  }: { timeoutMs?: number; intervalMs?: number; message?: string; /** Said in the timeout error: how far it got. */ progress?: () => string } = {},
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
