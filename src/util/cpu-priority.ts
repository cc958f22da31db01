import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the CPU priority (raises the nice value) of this whole process.
 *
 * Linux keeps a nice value per thread, and a new thread takes its creator's,
 * so every thread alive now is changed: the V8 and libuv threads as well as the
 * main one. Threads made later inherit the new value. Elsewhere the process's
 * value is set. Lowering needs no privilege. Returns how many threads changed.
 */
export function lowerOwnCpuPriority(niceness: number): number {
  if (niceness <= 0) return 0;
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    setPriority(0, niceness);
    return 1;
  }
  let changed = 0;
  for (const tid of threads) {
    try {
      setPriority(tid, niceness);
      changed++;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return changed;
}
