/** `npm run temporal:install`: makes sure the Temporal CLI binary is here, and says where it is. */
import { ensureTemporalCli } from './temporal-cli';

ensureTemporalCli({ log: (line) => console.log(line) })
  .then((exe) => {
    if (exe.type === 'existing-path') console.log(`Temporal CLI (${exe.source}): ${exe.path}`);
    else console.log(`No local Temporal CLI (${exe.reason}); the Temporal SDK will download one on first start (needs internet). To fix: ${exe.fix}.`);
  })
  .catch((err) => {
    console.error(`Could not get the Temporal CLI: ${(err as Error).message}`);
    process.exit(1);
  });
