/**
 * Runs an embedded PostgreSQL (src/main/embedded-postgres.ts) as its own process, for the fault
 * suite: `node --import tsx postgres-server.ts <dir> <port> <database>`. Prints `ready <url>` once
 * it accepts connections; SIGTERM stops the server (fast shutdown: sessions are cut) and exits.
 *
 * A process of its own because embedded-postgres is an ES module, which jest's sandbox cannot
 * import without --experimental-vm-modules, and because stopping and starting it again is the
 * fault "restart Postgres".
 */
import { startEmbeddedPostgres } from '../../../src/main/embedded-postgres';

async function main() {
  const [dir, port, database] = process.argv.slice(2);
  if (!dir || !port || !database) throw new Error('usage: postgres-server.ts <dir> <port> <database>');
  const pg = await startEmbeddedPostgres({ dir, port: Number(port), database, log: (l) => process.stderr.write(`${l}\n`) });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    pg.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`ready ${pg.url}\n`);
  // Stay alive until told to stop.
  setInterval(() => undefined, 1 << 30);
}

main().catch((err) => {
  process.stderr.write(`postgres-server failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
