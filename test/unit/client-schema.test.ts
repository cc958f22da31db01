import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { servedOpenApiDocument } from '../../src/api/openapi/routes';

/**
 * The typed client (clients/typescript) is generated from the document the API serves. When a
 * route, a schema or a built-in event type changes, the committed schema.d.ts must be
 * regenerated: this test regenerates it in memory from the served document and compares byte
 * for byte. The generator runs in a child process (scripts/generate-client.ts --stdin): it is
 * ES modules, which jest's CommonJS runtime cannot load.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_FILE = path.join(ROOT, 'clients/typescript/src/schema.d.ts');

function generate(document: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/generate-client.ts'), '--stdin'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`the generator failed: ${stderr}`)) : resolve(stdout)),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

let fresh: string;
let withoutEvents: string;
beforeAll(async () => {
  const broken = structuredClone(servedOpenApiDocument());
  delete (broken.paths as Record<string, unknown>)['/v1/events'];
  [fresh, withoutEvents] = await Promise.all([generate(servedOpenApiDocument()), generate(broken)]);
}, 60_000);

describe('the typed client schema', () => {
  it('is what openapi-typescript generates from the served document, byte for byte', () => {
    if (fresh !== readFileSync(SCHEMA_FILE, 'utf8')) {
      throw new Error('clients/typescript/src/schema.d.ts is out of date with the OpenAPI document: run `npm run client:generate` and commit it.');
    }
  });

  it('differs when the document does (the comparison can fail)', () => {
    expect(fresh).toContain('"/v1/events": {');
    expect(withoutEvents).not.toContain('"/v1/events": {');
    expect(withoutEvents).not.toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });
});
