import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowsPath } from './delivery-worker';

export interface PreparedBundle {
  codePath: string;
  /** Deletes the bundle file once the worker has loaded it. */
  dispose(): void;
}

const BUNDLE_TIMEOUT_MS = 180_000;

/**
 * Bundles the workflow code in a short-lived child process and returns the
 * file. Bundling (webpack) takes a few hundred MB that a long-running worker
 * would otherwise keep as resident memory for its whole life.
 */
export async function bundleWorkflowsInChildProcess(): Promise<PreparedBundle> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookline-workflows-'));
  const codePath = path.join(dir, 'workflow-bundle.js');
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const script = path.join(__dirname, `bundle-workflows-main${path.extname(__filename)}`);
  try {
    await new Promise<void>((resolve, reject) => {
      // The child inherits this process's loader flags (tsx when run from source).
      const child = fork(script, [workflowsPath(), codePath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), BUNDLE_TIMEOUT_MS);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`bundling the workflow code failed (${signal ?? `exit code ${code}`})`));
      });
    });
  } catch (err) {
    dispose();
    throw err;
  }
  return { codePath, dispose };
}
