/** Progress on stderr: one line per update (a run takes minutes; logs stay readable in CI). */
const started = Date.now();

function stamp(): string {
  const s = Math.round((Date.now() - started) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
}

export const progress = {
  line(text: string): void {
    process.stderr.write(`${stamp()} ${text}\n`);
  },
  /** Prints `text()` every `ms` until stopped. */
  every(ms: number, text: () => string): { stop(): void } {
    const timer = setInterval(() => progress.line(text()), ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  },
  elapsedS(): number {
    return (Date.now() - started) / 1000;
  },
};
