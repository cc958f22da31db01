import { execFileSync } from 'node:child_process';
import { getPriority } from 'node:os';
import path from 'node:path';

/**
 * lowerOwnCpuPriority in a process of its own (it cannot be undone without privilege): every
 * thread alive then gets the value, and a thread started afterwards inherits it.
 */
const describeOnLinux = process.platform === 'linux' ? describe : describe.skip;

describeOnLinux('lowerOwnCpuPriority', () => {
  it('sets the nice value of every thread of the process, and of threads started after', () => {
    const module = path.resolve(__dirname, '../../src/util/cpu-priority.ts');
    const script = `
      const { readdirSync, readFileSync } = require('node:fs');
      const { Worker } = require('node:worker_threads');
      const { lowerOwnCpuPriority } = require(${JSON.stringify(module)});
      // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value (after the command in parentheses).
      const niceOf = (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
      const all = () => readdirSync('/proc/self/task').map(niceOf);
      const changed = lowerOwnCpuPriority(7);
      const before = all();
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      w.on('online', () => {
        setTimeout(() => {
          console.log(JSON.stringify({ changed, before, after: all() }));
          process.exit(0);
        }, 200);
      });
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    const { changed, before, after } = JSON.parse(out.trim().split('\n').pop()!);
    expect(changed).toBeGreaterThan(1);
    expect(before.length).toBe(changed);
    expect(new Set(before)).toEqual(new Set([7]));
    // The worker thread (and its helpers) started after: more threads, all at 7.
    expect(after.length).toBeGreaterThan(before.length);
    expect(new Set(after)).toEqual(new Set([7]));
  });

  it('does nothing at 0', () => {
    const module = path.resolve(__dirname, '../../src/util/cpu-priority.ts');
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '-e', `const { getPriority } = require('node:os'); const { lowerOwnCpuPriority } = require(${JSON.stringify(module)}); console.log(lowerOwnCpuPriority(0), getPriority())`],
      { encoding: 'utf8' },
    );
    // Unchanged: what it inherited from this process.
    expect(out.trim()).toBe(`0 ${getPriority()}`);
  });
});
