/** Child process of bundleWorkflowsInChildProcess: `bundle-workflows-main <workflows path> <out file>`. */
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';

async function main() {
  const [workflowsPath, outFile] = process.argv.slice(2);
  if (!workflowsPath || !outFile) throw new Error('usage: bundle-workflows-main <workflows path> <out file>');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  writeFileSync(outFile, code);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
