/** Prints the fault suite's results (JSON lines written by test/fault/support/report.ts) as a Markdown table. */
import { readFileSync } from 'node:fs';

const [file, wall] = process.argv.slice(2);
const rows = readFileSync(file!, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { fault: string; stack: string; seconds: number; sent: number; acknowledged: number; delivered: number; duplicates: number; lost: number });
if (rows.length === 0) {
  console.log('\nNo fault results were recorded.');
} else {
  console.log(`\nFault suite (${rows[0]!.stack === 'prod' ? 'Temporal Server on Postgres' : 'Temporal dev server, SQLite file'}), counts in deliveries:\n`);
  console.log('| Fault | sent | acknowledged | delivered | duplicates | lost | test time |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.fault} | ${r.sent} | ${r.acknowledged} | ${r.delivered} | ${r.duplicates} | ${r.lost} | ${r.seconds} s |`);
  if (wall) console.log(`\nWall time: ${wall} s. Details above each PASS/FAIL line.`);
}
