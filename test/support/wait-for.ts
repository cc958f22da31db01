/**
 * Polls `probe` until it returns a value other than undefined, null or false, or
 * fails with `message` after `timeoutMs`. Tests wait on conditions, never on
 * sleeps. (A field the API answers as null, such as `next_attempt_at`, is a
 * condition not met yet.)
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
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
      if (value !== undefined && value !== null && value !== false) return value as T;
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
